using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Resume.Actors.Hosting;
using Resume.Transport.Http;

namespace Resume.Actors.Logging;

/// <summary>
/// The access log (<c>resume.access-log</c>): a request's actor hands its <see cref="AccessLogRecord"/>
/// to a bounded queue as it ends, and one task formats and writes the lines (<see cref="AccessLogLine"/>),
/// a batch per write, flushed when the queue is empty. A request never waits for it: when the queue
/// is full the line is dropped and counted, and a warning says how many. <see cref="CompleteAsync"/>
/// (at shutdown, after the drain) writes what is still queued.
/// </summary>
public sealed class AccessLog
{
    // Lines gathered into one write at most (a batch is written whole, so lines never interleave with the console logger's).
    private const int BatchChars = 32 * 1024;

    private readonly AccessLogSettings _settings;
    private readonly ILogger _log;
    private readonly Channel<AccessLogRecord> _queue;
    private readonly TextWriter _output;
    private readonly Task _writer;
    private long _dropped;
    private long _droppedTotal;

    private AccessLog(AccessLogSettings settings, ILogger log, TextWriter output)
    {
        _settings = settings;
        _log = log;
        _output = output;
        _queue = Channel.CreateBounded<AccessLogRecord>(new BoundedChannelOptions(settings.QueueSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once: the line is dropped, never waited for
        });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Lines dropped so far because the writer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _droppedTotal) + Interlocked.Read(ref _dropped);

    /// <summary>
    /// The access log <paramref name="settings"/> describe, its file opened (for appending) now; null when it is off.
    /// A file that cannot be opened is a <see cref="SettingsException"/> naming <c>resume.access-log.to</c>.
    /// </summary>
    public static AccessLog? Start(AccessLogSettings settings, ILogger log)
    {
        if (!settings.Enabled)
            return null;
        return new AccessLog(settings, log, settings.ToStdout ? Console.Out : OpenFile(settings.To));
    }

    /// <summary>
    /// Throws the <see cref="SettingsException"/> <see cref="Start"/> would for a file that cannot be
    /// opened: for hosts, which check their configuration before they start (and so stop with one line).
    /// </summary>
    public static void CheckTarget(AccessLogSettings settings)
    {
        if (settings.Enabled && !settings.ToStdout)
            OpenFile(settings.To).Dispose();
    }

    /// <summary>A record for a request that starts now.</summary>
    public AccessLogRecord Begin(RequestHead head, string requestId) => new(head, requestId);

    /// <summary>Queues <paramref name="record"/>'s line; drops it (counted) if the queue is full or the log is complete.</summary>
    public void Add(AccessLogRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
            Interlocked.Increment(ref _dropped);
    }

    /// <summary>Takes no more lines, and completes once every queued one is written and flushed.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _writer;
    }

    private static StreamWriter OpenFile(string path)
    {
        try
        {
            var file = new FileStream(Path.GetFullPath(path), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BatchChars);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException("resume.access-log.to", $"\"{path}\" cannot be opened for appending: {e.Message}");
        }
    }

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var batch = new StringBuilder(BatchChars);
        var failed = false;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var record))
                {
                    if (failed)
                        continue;
                    AccessLogLine.Append(batch, record, _settings.Format);
                    if (batch.Length >= BatchChars)
                        failed = !Write(batch, flush: false);
                }
                if (!failed)
                    failed = !Write(batch, flush: true);
                ReportDrops();
            }
        }
        finally
        {
            ReportDrops();
            if (!_settings.ToStdout)
                await _output.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool Write(StringBuilder batch, bool flush)
    {
        try
        {
            if (batch.Length > 0)
                _output.Write(batch);
            if (flush)
                _output.Flush();
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            ServerLog.AccessLogFailed(_log, _settings.To, e);
            return false;
        }
        finally
        {
            batch.Clear();
        }
    }

    private void ReportDrops()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped == 0)
            return;
        Interlocked.Add(ref _droppedTotal, dropped);
        ServerLog.AccessLogDropped(_log, dropped, _settings.QueueSize);
    }
}
