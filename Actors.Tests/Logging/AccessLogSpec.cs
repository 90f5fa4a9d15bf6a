using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Resume.Actors.Hosting;
using Resume.Actors.Logging;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Transport.Http;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Logging;

/// <summary>
/// The access log on a real server over 127.0.0.1: each format parsed back line by line against the
/// responses the client got, to a file and to the executable's stdout, and the last lines of a
/// process stopped by SIGTERM.
/// </summary>
public sealed partial class AccessLogSpec(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private const int SleepMs = 200;

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"resume-access-{Guid.NewGuid():N}.log");

    /// <summary>A line as the spec reads it back, whatever its format.</summary>
    private sealed record Line(string RemoteAddr, string Method, string Target, string Protocol, int Status, long Bytes,
        string? Referer, string? UserAgent, string RequestId, double DurationMs, double SuspendedMs);

    public new void Dispose()
    {
        File.Delete(_file);
        base.Dispose();
    }

    [Theory]
    [InlineData(AccessLogFormat.Common)]
    [InlineData(AccessLogFormat.Combined)]
    [InlineData(AccessLogFormat.Json)]
    public async Task Each_request_gets_a_line_with_its_status_bytes_and_times(AccessLogFormat format)
    {
        var settings = TestServers.Settings with { AccessLog = AccessLogOn(format, _file) };
        var server = TestServers.Start(Sys, App, settings);
        var responses = new Dictionary<string, RawResponse>();
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            foreach (var (method, target) in new[] { ("GET", "/hello"), ("GET", "/sleep"), ("HEAD", "/hello"), ("GET", "/fail?q=\"x\"") })
            {
                await client.SendAsync($"{method} {target} HTTP/1.1\r\nHost: test\r\nUser-Agent: spec/1.0 (\"quoted\")\r\nReferer: http://example.com/from\r\n\r\n");
                responses[$"{method} {target}"] = await client.ReadResponseAsync(head: method == "HEAD");
            }
        }
        await server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));

        var text = await File.ReadAllLinesAsync(_file);
        foreach (var line in text)
            Output.WriteLine(line);
        var lines = text.Select(l => Parse(l, format)).ToList();
        Assert.Equal(4, lines.Count);
        foreach (var line in lines)
        {
            var response = responses[$"{line.Method} {line.Target}"];
            Assert.Equal(response.Status, line.Status);
            Assert.Equal(response.Body.Length, line.Bytes);
            Assert.Equal("127.0.0.1", line.RemoteAddr);
            Assert.Equal("HTTP/1.1", line.Protocol);
            Assert.Matches(@"^\d+-\d+$", line.RequestId);
            // Only /sleep waits on a future: a stray or unpaired suspension mark would show here.
            if (line.Target != "/sleep")
                Assert.Equal(0, line.SuspendedMs);
            if (format != AccessLogFormat.Common)
            {
                Assert.Equal("http://example.com/from", line.Referer);
                Assert.Equal("spec/1.0 (\"quoted\")", line.UserAgent);
            }
        }
        Assert.Equal(0, lines.Single(l => l.Method == "HEAD").Bytes);
        Assert.Equal(500, lines.Single(l => l.Target.StartsWith("/fail", StringComparison.Ordinal)).Status);
        var slept = lines.Single(l => l.Target == "/sleep");
        // The delay starts as the app yields it, the mark as the actor takes it: a GC pause or a preempted
        // thread between the two (14 ms seen in a loaded CI run) shortens what the mark sees, and .NET's
        // timers run on a coarse clock (4 ms ticks here) too. Half the sleep still tells a measured
        // suspension from none.
        Assert.True(slept.SuspendedMs >= SleepMs / 2, $"suspended {slept.SuspendedMs} ms");
        Assert.Distinct(lines.Select(l => l.RequestId));
        Assert.Equal(0, server.Logs.Access!.Dropped);
    }

    [Fact]
    public async Task The_executable_writes_its_access_log_to_stdout()
    {
        await File.WriteAllTextAsync(_file, "resume.access-log { enabled = on, format = combined, to = stdout }\n");
        await using var server = ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", "0", "--config", _file]);
        var endpoint = await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
        await using (var client = await RawHttpClient.ConnectAsync(endpoint))
        {
            await client.SendAsync("GET /from-stdout?a=1 HTTP/1.1\r\nHost: test\r\nUser-Agent: stdout-spec\r\n\r\n");
            Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        }
        var match = await server.WaitForLineAsync(CombinedLine(), Dilated(TimeSpan.FromSeconds(20)));
        var line = ToLine(match);
        Output.WriteLine(match.Value);
        Assert.Equal(("GET", "/from-stdout?a=1", 200, 13L, "stdout-spec"), (line.Method, line.Target, line.Status, line.Bytes, line.UserAgent));
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task Lines_of_the_requests_right_before_SIGTERM_are_in_the_file_after_the_process_exits()
    {
        var config = _file + ".conf";
        try
        {
            await File.WriteAllTextAsync(config, $"resume.access-log {{ enabled = on, format = json, to = \"{_file}\" }}\n");
            await using var server = ServerProcess.Start(["--app", "sleep", "--host", "127.0.0.1", "--port", "0", "--config", config, "--status-path", "/_status"]);
            var endpoint = await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
            // Some answered at once, then some suspended (800 ms) as SIGTERM comes: the drain lets them finish.
            for (var i = 0; i < 5; i++)
            {
                await using var quick = await RawHttpClient.ConnectAsync(endpoint);
                await quick.SendAsync(Get($"/?ms=0&quick={i}"));
                Assert.Equal(200, (await quick.ReadResponseAsync()).Status);
            }
            var slow = new List<RawHttpClient>();
            for (var i = 0; i < 5; i++)
            {
                var client = await RawHttpClient.ConnectAsync(endpoint);
                slow.Add(client);
                await client.SendAsync(Get($"/?ms=800&slow={i}"));
            }
            await AwaitAssertAsync(async () => Assert.Equal(5, await InFlightAsync(endpoint)), Dilated(TimeSpan.FromSeconds(10)));
            await server.SignalAsync("TERM");
            foreach (var client in slow)
            {
                Assert.Equal(200, (await client.ReadResponseAsync()).Status);
                await client.DisposeAsync();
            }
            Assert.Equal(0, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));

            var lines = (await File.ReadAllLinesAsync(_file)).Select(l => Parse(l, AccessLogFormat.Json)).Where(l => l.Target != "/_status").ToList();
            foreach (var line in lines)
                Output.WriteLine($"{line.Target} {line.Status} {line.DurationMs} ms");
            Assert.Equal(10, lines.Count);
            Assert.All(lines, l => Assert.Equal(200, l.Status));
            Assert.Equal(5, lines.Count(l => l.Target.Contains("slow=", StringComparison.Ordinal) && l.SuspendedMs >= 700));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_writer_that_falls_behind_drops_lines_and_counts_them_without_holding_the_caller()
    {
        var access = AccessLog.Start(AccessLogOn(AccessLogFormat.Common, _file) with { QueueSize = 1 }, NullLogger.Instance)!;
        var head = HeadParser.Parse(Encoding.ASCII.GetBytes(Get("/burst")), TestServers.Settings.Limits);
        const int Lines = 2000;
        for (var i = 0; i < Lines; i++)
        {
            var record = access.Begin(head, $"1-{i}");
            record.End("127.0.0.1", 200, 0, completed: true);
            access.Add(record);
        }
        await access.CompleteAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        var written = (await File.ReadAllLinesAsync(_file)).Length;
        Output.WriteLine($"{written} written, {access.Dropped} dropped");
        Assert.True(access.Dropped > 0, "a queue of one cannot take a burst");
        Assert.Equal(Lines, written + access.Dropped);
    }

    [Fact]
    public void A_file_that_cannot_be_opened_stops_the_server_naming_the_key()
    {
        var settings = TestServers.Settings with { AccessLog = AccessLogOn(AccessLogFormat.Common, "/proc/no-such-dir/access.log") };
        var error = Assert.Throws<SettingsException>(() => TestServers.Start(Sys, App, settings));
        Assert.StartsWith("resume.access-log.to", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_with_a_file_it_cannot_open_stops_with_one_line_naming_the_key()
    {
        await File.WriteAllTextAsync(_file, "resume.access-log { enabled = on, to = \"/proc/no-such-dir/access.log\" }\n");
        await using var server = ServerProcess.Start(["--port", "0", "--config", _file]);
        Assert.Equal(2, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(60))));
        Assert.StartsWith("Configuration error: resume.access-log.to: ", Assert.Single(server.Errors), StringComparison.Ordinal);
    }

    private static AccessLogSettings AccessLogOn(AccessLogFormat format, string to) =>
        new() { Enabled = true, Format = format, To = to, QueueSize = 1000 };

    private static async Task<int> InFlightAsync(IPEndPoint endpoint)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync(Get("/_status"));
        using var status = JsonDocument.Parse((await client.ReadResponseAsync()).Body);
        return status.RootElement.GetProperty("in_flight").EnumerateArray().Count(r => r.GetProperty("path").GetString() == "/");
    }

    private static Line Parse(string text, AccessLogFormat format)
    {
        if (format == AccessLogFormat.Json)
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), CultureInfo.InvariantCulture, out _));
            return new Line(
                root.GetProperty("remote_addr").GetString()!, root.GetProperty("method").GetString()!, root.GetProperty("target").GetString()!,
                root.GetProperty("protocol").GetString()!, root.GetProperty("status").GetInt32(), root.GetProperty("bytes").GetInt64(),
                root.GetProperty("referer").GetString(), root.GetProperty("user_agent").GetString(), root.GetProperty("request_id").GetString()!,
                root.GetProperty("duration_ms").GetDouble(), root.GetProperty("suspended_ms").GetDouble());
        }
        var match = (format == AccessLogFormat.Combined ? CombinedLine() : CommonLine()).Match(text);
        Assert.True(match.Success, $"not a {format} line: {text}");
        return ToLine(match);
    }

    private static Line ToLine(Match match) => new(
        match.Groups["addr"].Value, match.Groups["method"].Value, Unescape(match.Groups["target"].Value), match.Groups["protocol"].Value,
        int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture),
        match.Groups["referer"].Success ? Unescape(match.Groups["referer"].Value) : null,
        match.Groups["agent"].Success ? Unescape(match.Groups["agent"].Value) : null,
        match.Groups["id"].Value,
        double.Parse(match.Groups["duration"].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups["suspended"].Value, CultureInfo.InvariantCulture));

    // Quotes, backslashes and bytes outside printable ASCII are written \xHH.
    private static string Unescape(string text) =>
        Regex.Replace(text, @"\\x([0-9A-F]{2})", m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    [GeneratedRegex("""^(?<addr>\S+) - - \[(?<time>\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] "(?<method>\S+) (?<target>\S+) (?<protocol>HTTP/1\.[01])" (?<status>\d{3}) (?<bytes>\d+) (?<id>\S+) (?<duration>\d+\.\d{3}) (?<suspended>\d+\.\d{3})$""")]
    private static partial Regex CommonLine();

    [GeneratedRegex("""(?<addr>\S+) - - \[(?<time>\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] "(?<method>\S+) (?<target>\S+) (?<protocol>HTTP/1\.[01])" (?<status>\d{3}) (?<bytes>\d+) "(?<referer>[^"]*)" "(?<agent>[^"]*)" (?<id>\S+) (?<duration>\d+\.\d{3}) (?<suspended>\d+\.\d{3})$""")]
    private static partial Regex CombinedLine();

    private static IEnumerable<Step> App(Environ environ, StartResponse startResponse)
    {
        switch (environ.PathInfo)
        {
            case "/fail":
                throw new InvalidOperationException("failed on purpose");
            case "/sleep":
                yield return Task.Delay(SleepMs);
                startResponse("200 OK", [new("Content-Type", "text/plain")]);
                yield return "slept";
                yield break;
        }
        startResponse("200 OK", [new("Content-Type", "text/plain"), new("Content-Length", "13")]);
        yield return "Hello, World!";
    }
}
