using System.Text.Json;
using Akka.Actor;
using Resume.Actors.Hosting;
using Resume.Actors.Tests.Support;
using Resume.Apps.Samples;

namespace Resume.Actors.Tests;

/// <summary>One server with the echo app, shared by every case of the corpus.</summary>
public sealed class EchoServerFixture : IDisposable
{
    public EchoServerFixture()
    {
        System = ActorSystem.Create("conformance", ResumeConfig.Defaults);
        Server = TestServers.Start(System, EchoApp.Run);
    }

    public ActorSystem System { get; }

    public ResumeServer Server { get; }

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}

/// <summary>
/// The HTTP/1.1 request corpus from gunicorn's tests (Conformance/gunicorn, see its README and
/// LICENSE) against the echo app: each case sent whole, one byte per write, and in random pieces.
/// "accept" cases must be parsed exactly as the corpus says; "reject" cases must get a 4xx (or the
/// case's own status) and a close.
/// </summary>
public sealed class ConformanceSpec(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Conformance", "gunicorn");

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var kind in new[] { "valid", "invalid" })
        {
            foreach (var json in Directory.GetFiles(Path.Combine(CorpusDirectory, kind), "*.json").Order(StringComparer.Ordinal))
            {
                foreach (var mode in new[] { "whole", "byte-by-byte", "random-pieces" })
                    cases.Add($"{kind}/{Path.GetFileNameWithoutExtension(json)}", mode);
            }
        }
        return cases;
    }

    [Fact]
    public void The_corpus_is_in_the_test_output()
    {
        Assert.True(File.Exists(Path.Combine(CorpusDirectory, "LICENSE")));
        Assert.True(Cases().Count >= 3 * 70, $"only {Cases().Count} cases found under {CorpusDirectory}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_is_answered_as_the_corpus_says(string name, string mode)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CorpusDirectory, name + ".http"));
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(CorpusDirectory, name + ".json")));
        await using var client = await RawHttpClient.ConnectAsync(fixture.Server.Endpoint);

        await (mode switch
        {
            "whole" => client.SendAsync(bytes),
            "byte-by-byte" => client.SendInPiecesAsync(bytes, Enumerable.Repeat(1, bytes.Length)),
            _ => client.SendInPiecesAsync(bytes, RandomPieces(name, bytes.Length)),
        });

        if (expected.RootElement.GetProperty("expect").GetString() == "accept")
        {
            foreach (var request in expected.RootElement.GetProperty("requests").EnumerateArray())
                AssertEchoed(request, await client.ReadResponseAsync());
        }
        else
        {
            // The client sends nothing more: a request cut short must be refused, not waited on.
            client.ShutdownSend();
            var response = await client.ReadResponseAsync();
            if (expected.RootElement.TryGetProperty("status", out var status))
                Assert.Equal(status.GetInt32(), response.Status);
            else
                Assert.InRange(response.Status, 400, 499);
            Assert.True(await client.IsClosedByServerAsync(), "the server must close the connection after refusing");
        }
    }

    private static void AssertEchoed(JsonElement request, RawResponse response)
    {
        Assert.Equal(200, response.Status);
        using var echoed = JsonDocument.Parse(response.Body);
        var actual = echoed.RootElement;
        Assert.Equal(request.GetProperty("method").GetString(), actual.GetProperty("method").GetString());
        Assert.Equal(request.GetProperty("target").GetString(), actual.GetProperty("target").GetString());
        Assert.Equal(request.GetProperty("path").GetString(), actual.GetProperty("path").GetString());
        Assert.Equal(request.GetProperty("query").GetString(), actual.GetProperty("query").GetString());
        var version = request.GetProperty("version");
        Assert.Equal($"HTTP/{version[0].GetInt32()}.{version[1].GetInt32()}", actual.GetProperty("version").GetString());
        var expectedHeaders = request.GetProperty("headers").EnumerateArray()
            .Select(h => $"{h[0].GetString()}: {h[1].GetString()}").ToArray();
        var actualHeaders = actual.GetProperty("headers").EnumerateArray()
            .Select(h => $"{h[0].GetString()!.ToUpperInvariant()}: {h[1].GetString()}").ToArray();
        Assert.Equal(expectedHeaders, actualHeaders);
        Assert.Equal(request.GetProperty("body_base64").GetString(), actual.GetProperty("body_base64").GetString());
    }

    private static IEnumerable<int> RandomPieces(string name, int length)
    {
        // A seed from the name, stable across runs, so a failing split can be replayed.
        var random = new Random(name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c)));
        for (var sent = 0; sent < length;)
        {
            var piece = random.Next(1, 48);
            sent += piece;
            yield return piece;
        }
    }
}
