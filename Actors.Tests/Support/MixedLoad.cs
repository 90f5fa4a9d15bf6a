using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// Concurrent clients of the demo's cluster samples, each sending one request after another, every
/// one on a connection of its own to a node the <see cref="ReadinessWatch"/> says is ready (round
/// robin): 20 % <c>GET /sleep?ms=1500</c> (suspended 1.5 s), 40 % counter increments, 10 % counter
/// reads, 15 % chat posts and 15 % chat long polls (<c>wait=1</c>), over a few counters and rooms.
/// A refused connect sends the request to another ready node (nothing reached the server); once
/// connected, a request is never sent again: a retry could double an increment.
/// </summary>
public sealed class MixedLoad
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<IPEndPoint> _nodes;
    private readonly ReadinessWatch _watch;
    private readonly AckedWrites _writes;
    private readonly LoadTally _tally;
    private readonly Stopwatch _clock;
    private readonly IReadOnlyList<string> _counters;
    private readonly IReadOnlyList<string> _rooms;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private long _next;

    /// <summary>Starts <paramref name="clients"/> clients, their random choices seeded from <paramref name="seed"/>.</summary>
    public MixedLoad(
        IReadOnlyList<IPEndPoint> nodes, ReadinessWatch watch, AckedWrites writes, LoadTally tally, Stopwatch clock,
        IReadOnlyList<string> counters, IReadOnlyList<string> rooms, int clients, int seed)
    {
        _nodes = nodes;
        _watch = watch;
        _writes = writes;
        _tally = tally;
        _clock = clock;
        _counters = counters;
        _rooms = rooms;
        _clients = [.. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(client, new Random(seed + client))))];
    }

    /// <summary>Sends no new request; waits for the ones under way to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }

    private async Task RunClientAsync(int client, Random random)
    {
        // The highest message number this client has seen per room: its long polls wait for the next.
        var seen = _rooms.ToDictionary(room => room, _ => 0L, StringComparer.Ordinal);
        var sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            var counter = _counters[random.Next(_counters.Count)];
            var room = _rooms[random.Next(_rooms.Count)];
            var after = seen[room];
            sent++;
            _ = roll switch
            {
                < 20 => await SendAsync("sleep", "GET", "/sleep?ms=1500", null, response =>
                    response is { Status: 200, BodyText: "ok" } ? null : Unexpected(response)),
                < 60 => await SendAsync("counter+", "POST", $"/counter/{counter}", "", response =>
                    {
                        if (response.Status != 200 || Json(response) is not { } json)
                            return Unexpected(response);
                        _writes.Incremented(counter, json.GetProperty("value").GetInt64());
                        return null;
                    },
                    uncertain: () => _writes.IncrementUncertain(counter)),
                < 70 => await SendAsync("counter", "GET", $"/counter/{counter}", null, response =>
                    response.Status == 200 && Json(response) is { } json && json.GetProperty("value").GetInt64() >= 0 ? null : Unexpected(response)),
                < 85 => await SendAsync("chat-post", "POST", $"/chat/{room}?author=client{client}", $"message {sent} from client {client}", response =>
                    {
                        if (response.Status != 201 || Json(response) is not { } json)
                            return Unexpected(response);
                        var seq = json.GetProperty("seq").GetInt64();
                        _writes.Posted(room, seq);
                        seen[room] = Math.Max(seen[room], seq);
                        return null;
                    },
                    uncertain: () => _writes.PostUncertain(room)),
                _ => await SendAsync("chat-poll", "GET", $"/chat/{room}?after={after}&wait=1", null, response =>
                    {
                        if (response.Status != 200 || Json(response) is not { ValueKind: JsonValueKind.Array } json)
                            return Unexpected(response);
                        foreach (var message in json.EnumerateArray())
                        {
                            var seq = message.GetProperty("seq").GetInt64();
                            if (seq <= after)
                                return $"message {seq} answered a poll for those after {after}";
                            seen[room] = Math.Max(seen[room], seq);
                        }
                        return null;
                    }),
            };
        }
    }

    /// <summary>Sends one request to a ready node; <paramref name="check"/> says what is wrong with the response (null: nothing).</summary>
    private async Task<bool> SendAsync(string kind, string method, string target, string? body, Func<RawResponse, string?> check, Action? uncertain = null)
    {
        RawHttpClient? client = null;
        var node = -1;
        while (client is null)
        {
            if (_stop.IsCancellationRequested)
                return false;
            var ready = _watch.ReadyNodes;
            if (ready.Count == 0)
            {
                await Task.Delay(20);
                continue;
            }
            node = ready[(int)(Interlocked.Increment(ref _next) % ready.Count)];
            try
            {
                client = await RawHttpClient.ConnectAsync(_nodes[node]);
            }
            catch (SocketException)
            {
                _watch.MarkDown(node);
                _tally.RefusedConnect();
            }
        }

        var start = _clock.Elapsed;
        await using (client)
        {
            string? error;
            int? status = null;
            try
            {
                var response = await OneShotHttp.ExchangeAsync(client, method, target, body, ResponseTimeout);
                status = response.Status;
                error = check(response);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException or JsonException
                or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                error = $"{e.GetType().Name}: {e.Message}";
            }
            if (error is not null)
                uncertain?.Invoke();
            _tally.Add(new RequestOutcome(kind, node, start, _clock.Elapsed, status, error));
            return error is null;
        }
    }

    private static JsonElement? Json(RawResponse response) =>
        response.Header("Content-Type") == "application/json" ? JsonDocument.Parse(response.Body).RootElement : null;

    private static string Unexpected(RawResponse response) =>
        string.Create(CultureInfo.InvariantCulture, $"unexpected {response.StatusLine}: {response.BodyText.Trim()}");
}
