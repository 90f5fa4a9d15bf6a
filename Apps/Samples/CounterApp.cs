namespace Resume.Apps.Samples;

/// <summary>
/// <c>counter/{id}</c>: <c>POST</c> adds <c>?by=N</c> (1) to a sharded counter and answers its new value;
/// <c>GET</c> reads it. Clients on any node see one value; the answer names the node that served it
/// and the node the counter lives on.
/// </summary>
public static class CounterApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var id = JsonResponses.FirstSegment(environ, out _);
        if (id.Length == 0)
        {
            yield return JsonResponses.Error(startResponse, "400 Bad Request", "Name a counter: /counter/{id}.");
            yield break;
        }
        object? message = environ.RequestMethod switch
        {
            "POST" => new CounterEntity.Increment(environ.Query.Int("by", 1)),
            "GET" or "HEAD" => new CounterEntity.Read(),
            _ => null,
        };
        if (message is null)
        {
            yield return JsonResponses.Error(startResponse, "405 Method Not Allowed", "GET reads a counter, POST adds to it.");
            yield break;
        }
        var ask = environ.Cluster.AskAsync<CounterEntity.Counted>("counter", id, message);
        yield return ask;
        var counted = ask.GetAwaiter().GetResult();
        yield return JsonResponses.Answer(startResponse, "200 OK", new { id, value = counted.Value, node = environ.Cluster.NodeName, entityNode = counted.Node });
    }
}
