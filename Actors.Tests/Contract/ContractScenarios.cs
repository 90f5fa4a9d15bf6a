using System.Text;
using Resume.Apps;
using Resume.Apps.Testing;

namespace Resume.Actors.Tests.Contract;

/// <summary>
/// Every semantic of the contract (DESIGN.md §3, README's "Writing an app"), each as a scenario that
/// <see cref="ContractMatrixSpec"/> runs through <see cref="AppRun"/> and through a real server.
/// </summary>
public static class ContractScenarios
{
    private static readonly KeyValuePair<string, string>[] Plain = [new("Content-Type", "text/plain"), new("X-Scenario", "app")];

    public static IReadOnlyList<ContractScenario> All { get; } =
    [
        new("headers leave with the first non-empty chunk; chunks and futures interleave", log => (environ, startResponse) => Run(log, Interleaved(startResponse))) { Expected = Ok("one,two") },
        new("startResponse may come after a future", log => (environ, startResponse) => Run(log, AfterFuture(startResponse))) { Expected = Ok("later", status: 201) },
        new("headers alone go out at the end when there is no body", log => (environ, startResponse) => Run(log, HeadersOnly(startResponse))) { Expected = Ok("") },
        new("a second startResponse without an error throws, and the first stands", log => (environ, startResponse) => Run(log, SecondStart(log, startResponse))) { Expected = Ok("first stands", seen: "InvalidOperationException") },
        new("startResponse with an error before the first chunk replaces the response", log => (environ, startResponse) => Run(log, ReplaceBeforeChunk(startResponse))) { Expected = Ok("sorry", status: 503) },
        new("startResponse with an error after the first chunk rethrows it and the response is cut", log => (environ, startResponse) => Run(log, ReplaceAfterChunk(log, startResponse))) { Expected = Cut("first", seen: "own error rethrown") },
        new("write sends its data before the next step", log => (environ, startResponse) => Run(log, Writes(startResponse))) { Expected = Ok("abc") },
        new("write after the app ended is refused", log => (environ, startResponse) => Run(log, KeepsWrite(log, startResponse))) { After = log => log.WriteFromOutside(), Expected = Ok("done", seen: "InvalidOperationException") },
        new("a future's outcome is the app's to read: succeeded, faulted or cancelled", log => (environ, startResponse) => Run(log, Outcomes(startResponse))) { Expected = Ok("7 FormatException Canceled") },
        new("empty chunks send nothing", log => (environ, startResponse) => Run(log, Empties(startResponse))) { Expected = Ok("x") },
        new("an exception before the first chunk gives 500", log => (environ, startResponse) => Run(log, FailsBefore(startResponse))) { Expected = ServerAnswered(500) },
        new("an exception after the first chunk cuts the response short", log => (environ, startResponse) => Run(log, FailsAfter(startResponse))) { Expected = Cut("partial") },
        new("a chunk before startResponse gives 500", log => (environ, startResponse) => Run(log, ChunkFirst())) { Expected = ServerAnswered(500) },
        new("an app that ends without startResponse gives 500", log => (environ, startResponse) => Run(log, NoStart())) { Expected = ServerAnswered(500) },
        new("the app's Content-Length is honoured", log => (environ, startResponse) => Run(log, Sized(startResponse))) { Expected = Ok("hello", headers: PlainHeaders + "; Content-Length: 5") },
        new("a synchronous read in an app not registered as blocking gives 500", log => (environ, startResponse) => Run(log, SyncRead(log, environ, startResponse)))
        {
            Request = TestRequest.Post("/", "0123456789"),
            Expected = ServerAnswered(500, seen: "InvalidOperationException"),
        },
        new("a synchronous read in a blocking app reads the body", log => (environ, startResponse) => Run(log, SyncRead(log, environ, startResponse)))
        {
            Request = TestRequest.Post("/", "0123456789"),
            Blocking = true,
            Expected = Ok("0123456789"),
        },
        new("the body is read on demand and reads stop at its end", log => (environ, startResponse) => Run(log, ReadsOnDemand(environ, startResponse)))
        {
            Request = TestRequest.Post("/", "line one\nline two\nrest"),
            Expected = Ok("[line one\n][line two\nrest][0]"),
        },
        new("ReadToEndAsync past its limit gives 413 when the app lets it escape", log => (environ, startResponse) => Run(log, ReadsTooMuch(log, environ, startResponse)))
        {
            Request = TestRequest.Post("/", "0123456789"),
            Expected = ServerAnswered(413, seen: "RequestBodyTooLargeException"),
        },
        new("a read given a cancelled token is cancelled", log => (environ, startResponse) => Run(log, CancelledRead(environ, startResponse)))
        {
            Request = TestRequest.Post("/", "0123456789"),
            Expected = Ok("Canceled"),
        },
        new("environ.Async runs submitted work and returns its result", log => (environ, startResponse) => Run(log, Submits(environ, startResponse))) { Expected = Ok("42") },
        new("on disconnect Aborted fires, the iterator is disposed once and write throws", log => (environ, startResponse) => Run(log, WaitsForever(log, environ, startResponse)))
        {
            AbortWhenSuspended = true,
            After = log => log.WriteFromOutside(),
            Expected = Gone(seen: "aborted,IOException"),
        },
    ];

    private const string PlainHeaders = "Content-Type: text/plain; X-Scenario: app";

    private static Observed Ok(string body, int status = 200, string headers = PlainHeaders, string seen = "") =>
        new(status, headers, body, Truncated: false, Disposals: 1, seen);

    private static Observed Cut(string body, string seen = "") => new(200, PlainHeaders, body, Truncated: true, Disposals: 1, seen);

    /// <summary>The app failed before its first chunk: the server's own error response, not the app's.</summary>
    private static Observed ServerAnswered(int status, string seen = "") => new(status, null, null, Truncated: false, Disposals: 1, seen);

    /// <summary>The client went away: no response to compare, only what the app saw.</summary>
    private static Observed Gone(string seen) => new(0, null, null, Truncated: false, Disposals: 1, seen);

    /// <summary>Wraps a scenario's steps so that disposing the iterator is counted (WSGI's close()).</summary>
    private static IEnumerable<Step> Run(ScenarioLog log, IEnumerable<Step> steps)
    {
        try
        {
            foreach (var step in steps)
                yield return step;
        }
        finally
        {
            log.Dispose();
        }
    }

    private static IEnumerable<Step> Interleaved(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return "one,";
        yield return Task.Delay(5);
        yield return "two";
    }

    private static IEnumerable<Step> AfterFuture(StartResponse startResponse)
    {
        var value = Task.Delay(5).ContinueWith(_ => "later", TaskScheduler.Default);
        yield return value;
        startResponse("201 Created", Plain);
        yield return value.Result;
    }

    private static IEnumerable<Step> HeadersOnly(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield break;
    }

    private static IEnumerable<Step> SecondStart(ScenarioLog log, StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        try
        {
            startResponse("404 Not Found", Plain);
        }
        catch (InvalidOperationException e)
        {
            log.See(e);
        }
        yield return "first stands";
    }

    private static IEnumerable<Step> ReplaceBeforeChunk(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return Task.Delay(1);
        startResponse("503 Service Unavailable", Plain, new TimeoutException("database down"));
        yield return "sorry";
    }

    private static IEnumerable<Step> ReplaceAfterChunk(ScenarioLog log, StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return "first";
        var failure = new TimeoutException("database down");
        try
        {
            startResponse("503 Service Unavailable", Plain, failure);
        }
        catch (Exception e)
        {
            log.See(ReferenceEquals(e, failure) ? "own error rethrown" : e.GetType().Name);
            throw;
        }
        yield return "never";
    }

    private static IEnumerable<Step> Writes(StartResponse startResponse)
    {
        var write = startResponse("200 OK", Plain);
        write("a"u8.ToArray());
        yield return Task.Delay(1);
        write("b"u8.ToArray());
        yield return "c";
    }

    private static IEnumerable<Step> KeepsWrite(ScenarioLog log, StartResponse startResponse)
    {
        log.KeptWrite = startResponse("200 OK", Plain);
        yield return "done";
    }

    private static IEnumerable<Step> Outcomes(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        var succeeded = Task.Delay(5).ContinueWith(_ => 7, TaskScheduler.Default);
        yield return succeeded;
        var faulted = FailLater();
        yield return faulted;
        var cancelled = Task.Delay(Timeout.Infinite, new CancellationTokenSource(5).Token);
        yield return cancelled;
        yield return $"{succeeded.Result} {faulted.Exception!.InnerException!.GetType().Name} {cancelled.Status}";
    }

    private static async Task FailLater()
    {
        await Task.Delay(5);
        throw new FormatException("faulted");
    }

    private static IEnumerable<Step> Empties(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return "";
        for (var i = 0; i < 5; i++)
            yield return Step.Empty;
        yield return "x";
        yield return Array.Empty<byte>();
    }

    private static IEnumerable<Step> FailsBefore(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return Task.Delay(1);
        throw new FormatException("before the first chunk");
    }

    private static IEnumerable<Step> FailsAfter(StartResponse startResponse)
    {
        startResponse("200 OK", Plain);
        yield return "partial";
        yield return Task.Delay(1);
        throw new FormatException("after the first chunk");
    }

    private static IEnumerable<Step> ChunkFirst()
    {
        yield return "no headers yet";
    }

    private static IEnumerable<Step> NoStart()
    {
        yield return Task.Delay(1);
    }

    private static IEnumerable<Step> Sized(StartResponse startResponse)
    {
        startResponse("200 OK", [.. Plain, new("Content-Length", "5")]);
        yield return "hel";
        yield return "lo";
    }

    private static IEnumerable<Step> SyncRead(ScenarioLog log, Environ environ, StartResponse startResponse)
    {
        var body = new StringBuilder();
        try
        {
            while (environ.Input.Read(4) is { IsEmpty: false } chunk)
                body.Append(Encoding.ASCII.GetString(chunk.Span));
        }
        catch (InvalidOperationException e)
        {
            log.See(e);
            throw;
        }
        startResponse("200 OK", Plain);
        yield return body.ToString();
    }

    private static IEnumerable<Step> ReadsOnDemand(Environ environ, StartResponse startResponse)
    {
        var line = environ.Input.ReadLineAsync();
        yield return line;
        var rest = environ.Input.ReadAsync(1000);
        yield return rest;
        var more = environ.Input.ReadAsync(1000);
        yield return more;
        var after = environ.Input.ReadAsync(1000);
        yield return after;
        startResponse("200 OK", Plain);
        yield return $"[{line.Result}][{Encoding.ASCII.GetString(rest.Result.Span)}{Encoding.ASCII.GetString(more.Result.Span)}][{after.Result.Length}]";
    }

    private static IEnumerable<Step> ReadsTooMuch(ScenarioLog log, Environ environ, StartResponse startResponse)
    {
        var all = environ.Input.ReadToEndAsync(limit: 4);
        yield return all;
        if (all.Exception?.InnerException is { } failure)
            log.See(failure);
        startResponse("200 OK", Plain);
        yield return all.Result;
    }

    private static IEnumerable<Step> CancelledRead(Environ environ, StartResponse startResponse)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var read = environ.Input.ReadAsync(10, cancelled.Token);
        yield return read;
        startResponse("200 OK", Plain);
        yield return read.Status.ToString();
    }

    private static IEnumerable<Step> Submits(Environ environ, StartResponse startResponse)
    {
        var work = environ.Async.SubmitAsync(() => 6 * 7);
        yield return work;
        startResponse("200 OK", Plain);
        yield return work.Result.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<Step> WaitsForever(ScenarioLog log, Environ environ, StartResponse startResponse)
    {
        environ.Aborted.Register(() => log.See("aborted"));
        log.KeptWrite = startResponse("200 OK", Plain);
        var never = new TaskCompletionSource();
        log.Suspended.TrySetResult();
        yield return never.Task;
        log.See("resumed after the disconnect");
    }
}
