using System.Text;

namespace Resume.Apps.Samples;

/// <summary>
/// <c>chat/{room}</c>, rooms as sharded entities: <c>POST ?author=A</c> with the text as body posts a
/// message; <c>GET ?after=N&amp;wait=S</c> answers the messages numbered above N, or waits up to S
/// seconds (25) for the next one (a long poll: the request is suspended and holds no thread);
/// <c>GET {room}/stream?after=N</c> follows the room as newline-delimited JSON until the client leaves.
/// </summary>
public static class ChatApp
{
    public const int MaxText = 4096;

    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var room = JsonResponses.FirstSegment(environ, out var rest);
        if (room.Length == 0 || rest is not ("" or "stream"))
            return Error(startResponse, "404 Not Found", "Rooms are at /chat/{room} and /chat/{room}/stream.");
        return (environ.RequestMethod, rest) switch
        {
            ("POST", "") => Post(environ, startResponse, room),
            ("GET", "") => Poll(environ, startResponse, room),
            ("GET", "stream") => Follow(environ, startResponse, room),
            _ => Error(startResponse, "405 Method Not Allowed", "POST posts to a room; GET reads it."),
        };
    }

    private static string Topic(string room) => $"chat/{room}";

    private static IEnumerable<Step> Post(Environ environ, StartResponse startResponse, string room)
    {
        var body = environ.Input.ReadToEndAsync(MaxText + 1);
        yield return body;
        var text = Encoding.UTF8.GetString(body.GetAwaiter().GetResult());
        if (text.Length is 0 or > MaxText)
        {
            yield return JsonResponses.Error(startResponse, "400 Bad Request", $"The message is the body: 1 to {MaxText} bytes.");
            yield break;
        }
        var author = environ.Query.TryGetValue("author", out var given) && given.Length > 0 ? given : "anonymous";
        var posted = environ.Cluster.AskAsync<ChatMessage>("chat-room", room, new ChatRoomEntity.Post(author, text));
        yield return posted;
        var message = posted.GetAwaiter().GetResult();
        environ.Cluster.Publish(Topic(room), message);
        yield return JsonResponses.Answer(startResponse, "201 Created", message);
    }

    private static IEnumerable<Step> Poll(Environ environ, StartResponse startResponse, string room)
    {
        var after = environ.Query.Int("after", 0);
        var wait = TimeSpan.FromSeconds(Math.Clamp(environ.Query.Int("wait", 25), 0, 120));
        // Subscribed before reading, so that a message posted in between is not missed.
        using var subscription = environ.Cluster.Subscribe(Topic(room));
        yield return subscription.Subscribed;
        var read = environ.Cluster.AskAsync<ChatMessage[]>("chat-room", room, new ChatRoomEntity.ReadAfter(after));
        yield return read;
        var messages = read.GetAwaiter().GetResult();
        // Answered at the wait's end, or at once when the server stops (the client polls again elsewhere).
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(environ.Stopping);
        waited.CancelAfter(wait);
        while (messages.Length == 0 && !waited.IsCancellationRequested)
        {
            var next = subscription.NextAsync(waited.Token);
            yield return next;
            if (next.IsCompletedSuccessfully && next.Result is ChatMessage message && message.Seq > after)
                messages = [message];
        }
        yield return JsonResponses.Answer(startResponse, "200 OK", messages);
    }

    private static IEnumerable<Step> Follow(Environ environ, StartResponse startResponse, string room)
    {
        var last = environ.Query.Int("after", 0);
        using var subscription = environ.Cluster.Subscribe(Topic(room));
        yield return subscription.Subscribed;
        var read = environ.Cluster.AskAsync<ChatMessage[]>("chat-room", room, new ChatRoomEntity.ReadAfter(last));
        yield return read;
        startResponse("200 OK", Responses.Streamed("application/x-ndjson"));
        foreach (var message in read.GetAwaiter().GetResult())
        {
            last = message.Seq;
            yield return JsonResponses.Line(message);
        }
        // Followed until the client leaves or the server stops (the client reconnects, elsewhere, with after=last).
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(environ.Aborted, environ.Stopping);
        while (!ended.IsCancellationRequested)
        {
            var next = subscription.NextAsync(ended.Token);
            yield return next;
            if (!next.IsCompletedSuccessfully)
                yield break;
            if (next.Result is not ChatMessage message || message.Seq <= last)
                continue;
            if (message.Seq > last + 1)
            {
                // Published before this node's subscription reached the publisher's: the room has them.
                var missed = environ.Cluster.AskAsync<ChatMessage[]>("chat-room", room, new ChatRoomEntity.ReadAfter(last));
                yield return missed;
                foreach (var earlier in missed.GetAwaiter().GetResult().Where(m => m.Seq < message.Seq))
                    yield return JsonResponses.Line(earlier);
            }
            last = message.Seq;
            yield return JsonResponses.Line(message);
        }
    }

    private static IEnumerable<Step> Error(StartResponse startResponse, string status, string message)
    {
        yield return JsonResponses.Error(startResponse, status, message);
    }
}
