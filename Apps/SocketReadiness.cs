using System.Net.Sockets;

namespace Resume.Apps;

/// <summary>
/// Futures that complete when sockets are ready, for the readiness steps (<see cref="Step.Readable"/>,
/// <see cref="Step.Writable"/>, <see cref="Step.Ready"/>). Readability is awaited with a zero-byte
/// receive, so no thread and no buffer is held; writability, which a connected socket almost always
/// has, is polled with a growing delay.
/// </summary>
public static class SocketReadiness
{
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Completes when <paramref name="socket"/> has data to read, or has reached its end.</summary>
    public static async Task WhenReadable(Socket socket, CancellationToken cancellation = default)
    {
        if (socket.Available > 0)
            return;
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellation).ConfigureAwait(false);
    }

    /// <summary>Completes when <paramref name="socket"/> can take more bytes.</summary>
    public static async Task WhenWritable(Socket socket, CancellationToken cancellation = default)
    {
        var delay = TimeSpan.FromMilliseconds(1);
        while (!socket.Poll(0, SelectMode.SelectWrite))
        {
            await Task.Delay(delay, cancellation).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }
    }

    /// <summary>Completes when any of the sockets is ready, with the ones that are.</summary>
    public static async Task<ReadySockets> WhenAny(
        IReadOnlyList<Socket> readers, IReadOnlyList<Socket> writers, CancellationToken cancellation = default)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var waits = readers.Select(r => WhenReadable(r, stopWaiting.Token))
            .Concat(writers.Select(w => WhenWritable(w, stopWaiting.Token)))
            .ToList();
        if (waits.Count == 0)
            throw new ArgumentException("Wait for at least one socket.");
        var first = await Task.WhenAny(waits).ConfigureAwait(false);
        await first.ConfigureAwait(false);
        stopWaiting.Cancel();
        return new ReadySockets(
            readers.Where(r => r.Available > 0 || r.Poll(0, SelectMode.SelectRead)).ToArray(),
            writers.Where(w => w.Poll(0, SelectMode.SelectWrite)).ToArray());
    }
}

/// <summary>The sockets of a set-form readiness wait that are ready.</summary>
public sealed record ReadySockets(IReadOnlyList<Socket> Readable, IReadOnlyList<Socket> Writable);
