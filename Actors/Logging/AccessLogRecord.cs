using System.Diagnostics;
using Resume.Transport.Http;

namespace Resume.Actors.Logging;

/// <summary>
/// One request's access-log facts, made at its start only when the access log is on (one object per
/// request, the line's worth: the strings are the request's own, formatted by the writer, off the
/// request path). Its request actor alone writes to it, until it hands it to <see cref="AccessLog.Add"/>.
/// Both times are on one clock (<see cref="Stopwatch"/>), so the time suspended never exceeds the duration.
/// </summary>
public sealed class AccessLogRecord
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _suspendedSince;
    private long _suspended;

    internal AccessLogRecord(RequestHead head, string requestId)
    {
        Head = head;
        RequestId = requestId;
    }

    public RequestHead Head { get; }

    public string RequestId { get; }

    /// <summary>When the request started, for the line's time.</summary>
    public DateTimeOffset Time { get; } = DateTimeOffset.UtcNow;

    /// <summary>The client's address as the app saw it (the environ's <c>REMOTE_ADDR</c> at the end).</summary>
    public string RemoteAddr { get; private set; } = "-";

    /// <summary>The status the client got; 499 (as nginx) when it went away before any of the response.</summary>
    public int Status { get; private set; }

    /// <summary>Body bytes sent (no head, no chunk framing); 0 for HEAD and bodiless statuses.</summary>
    public long Bytes { get; private set; }

    public TimeSpan Duration { get; private set; }

    /// <summary>The time spent waiting on futures (suspended, or blocked on them for a blocking app).</summary>
    public TimeSpan Suspended => Stopwatch.GetElapsedTime(0, _suspended);

    // The status and body bytes of an error end (a failure, a timeout, the drain deadline), set before the end.
    private int _endStatus;
    private long _endBytes;

    public void SuspendBegan() => _suspendedSince = Stopwatch.GetTimestamp();

    public void SuspendEnded()
    {
        if (_suspendedSince == 0)
            return;
        _suspended += Stopwatch.GetTimestamp() - _suspendedSince;
        _suspendedSince = 0;
    }

    /// <summary>The response ended early with <paramref name="status"/> and <paramref name="bodyBytes"/> more bytes of body.</summary>
    public void EndedWith(int status, long bodyBytes)
    {
        _endStatus = status;
        _endBytes = bodyBytes;
    }

    /// <summary>
    /// The request is over: <paramref name="appStatus"/> is the status the app chose (0 if none),
    /// <paramref name="bodyBytesOut"/> the body bytes it handed to the connection, <paramref name="completed"/>
    /// whether it ended normally (else: failed or timed out, told by <see cref="EndedWith"/>, or aborted).
    /// </summary>
    public void End(string? remoteAddr, int appStatus, long bodyBytesOut, bool completed)
    {
        SuspendEnded();
        Duration = Stopwatch.GetElapsedTime(_started);
        RemoteAddr = string.IsNullOrEmpty(remoteAddr) ? "-" : remoteAddr;
        Status = _endStatus != 0 ? _endStatus
            : completed || bodyBytesOut > 0 ? appStatus
            : 499; // the client went away, or the server stopped the request, before any response
        Bytes = Head.IsHead || Status is < 200 or 204 or 304 ? 0 : bodyBytesOut + _endBytes;
    }
}
