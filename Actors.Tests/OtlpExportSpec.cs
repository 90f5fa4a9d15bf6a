using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Apps;

namespace Resume.Actors.Tests;

/// <summary>resume.metrics.otlp: a host made with AddResume sends its metrics to the collector HOCON names.</summary>
[Collection(Collection)]
public sealed class OtlpExportSpec
{
    /// <summary>Specs that must not run while this one's OpenTelemetry listener takes every "Resume" meter.</summary>
    public const string Collection = "OpenTelemetry listener";

    [Fact]
    public async Task With_an_endpoint_the_metrics_are_posted_over_http_protobuf_every_interval()
    {
        using var collector = new TinyCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddResume(resume =>
        {
            resume.Hocon = $$"""
                resume.server.host = "127.0.0.1"
                resume.server.port = 0
                resume.metrics.otlp { endpoint = "http://127.0.0.1:{{collector.Port}}", protocol = "http/protobuf", interval = 1s }
                """;
            resume.Serve(Hello);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
            var bound = await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, TimeSpan.FromSeconds(10));
            using var client = new HttpClient { BaseAddress = new Uri($"http://{bound.Endpoint}/") };
            Assert.Equal("hello", await client.GetStringAsync("/"));

            var post = await collector.FirstPost.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal("/v1/metrics", post.Path);
            Assert.True(post.BodyLength > 0);
            Assert.Equal("application/x-protobuf", post.ContentType);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IEnumerable<Step> Hello(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return "hello";
    }

    private sealed record Post(string Path, string? ContentType, long BodyLength);

    /// <summary>Just enough of an OTLP/HTTP collector: takes POSTs on 127.0.0.1, answers 200, and tells of the first with a body.</summary>
    private sealed class TinyCollector : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource<Post> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();

        public TinyCollector()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task<Post> FirstPost => _first.Task;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = ServeAsync(client);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var reader = new StreamReader(stream, Encoding.Latin1);
                    while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } requestLine)
                    {
                        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } line)
                            headers[line[..line.IndexOf(':', StringComparison.Ordinal)]] = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                        long length = 0;
                        if (headers.TryGetValue("Content-Length", out var contentLength))
                        {
                            length = long.Parse(contentLength, CultureInfo.InvariantCulture);
                            var body = new char[length];
                            await reader.ReadBlockAsync(body, _stop.Token);
                        }
                        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                        {
                            while (await reader.ReadLineAsync(_stop.Token) is { } sizeLine && long.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var size and > 0)
                            {
                                length += size;
                                await reader.ReadBlockAsync(new char[size + 2], _stop.Token);
                            }
                            await reader.ReadLineAsync(_stop.Token);
                        }
                        var parts = requestLine.Split(' ');
                        if (parts[0] == "POST" && length > 0)
                            _first.TrySetResult(new Post(parts[1], headers.GetValueOrDefault("Content-Type"), length));
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
