using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Resume.Actors.Tests.Support;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// A steady load through a load balancer: <paramref name="clients"/> loops, each sending in turn a
/// GET of <c>/hello</c>, a GET of a counter and a POST that adds 1 to it, each request on a
/// connection of its own and sent once (the balancer alone may resend). Every response is counted;
/// a request fails unless it is answered 2xx.
/// </summary>
public sealed class BalancedLoad
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(30);
    private readonly IPEndPoint _balancer;
    private readonly string _counter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(string Kind, TimeSpan At, int? Status, string? Error)> _outcomes = new();
    private readonly ConcurrentDictionary<string, int> _servedBy = new(StringComparer.Ordinal);
    private int _acknowledgedIncrements;

    public BalancedLoad(IPEndPoint balancer, string counter, int clients, TimeSpan pause)
    {
        _balancer = balancer;
        _counter = counter;
        _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientAsync(i, pause)))];
    }

    public int Requests => _outcomes.Count;

    public IReadOnlyList<string> Failures =>
        [.. _outcomes.Where(o => o.Error is not null).Select(o => $"{o.Kind} at +{o.At.TotalSeconds:0.000} s: {o.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response"} {o.Error}")];

    public int AcknowledgedIncrements => Volatile.Read(ref _acknowledgedIncrements);

    /// <summary>Counter answers by the node that served them (its cluster address).</summary>
    public IReadOnlyDictionary<string, int> ServedBy => _servedBy;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public string Summary() =>
        $"{Requests} requests, {Failures.Count} failed; by kind: {string.Join(", ", _outcomes.GroupBy(o => o.Kind).Select(g => $"{g.Key} {g.Count()}"))}; "
        + $"counter answers by node: {string.Join(", ", _servedBy.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}"))}";

    private async Task ClientAsync(int client, TimeSpan pause)
    {
        (string Kind, string Method, string Target)[] requests =
        [
            ("hello", "GET", "/hello"),
            ("read", "GET", $"/counter/{_counter}"),
            ("increment", "POST", $"/counter/{_counter}"),
        ];
        for (var turn = client; !_stop.IsCancellationRequested; turn++)
        {
            var (kind, method, target) = requests[turn % requests.Length];
            var at = _clock.Elapsed;
            try
            {
                await using var connection = await RawHttpClient.ConnectAsync(_balancer);
                var response = await OneShotHttp.ExchangeAsync(connection, method, target, method == "POST" ? "" : null, RequestBound);
                var ok = response.Status is >= 200 and < 300;
                _outcomes.Enqueue((kind, at, response.Status, ok ? null : response.BodyText.Trim()));
                if (ok && kind != "hello")
                {
                    using var json = JsonDocument.Parse(response.Body);
                    _servedBy.AddOrUpdate(json.RootElement.GetProperty("node").GetString()!, 1, (_, n) => n + 1);
                    if (kind == "increment")
                        Interlocked.Increment(ref _acknowledgedIncrements);
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
            {
                _outcomes.Enqueue((kind, at, null, $"{e.GetType().Name}: {e.Message}"));
            }
            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
