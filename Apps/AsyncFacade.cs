using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Resume.Apps;

/// <summary>
/// <c>environ.Async</c>: outgoing I/O as futures to yield — resolve, connect, read, read-until,
/// write, submit work. Each takes a timeout (else the default) and is cancelled by the request's
/// <see cref="Environ.Aborted"/>, so a client that goes away cancels the outgoing operation itself.
/// Each also takes an optional <see cref="CancellationToken"/> of the app's own, which cancels it as well.
/// A timeout fails the future with <see cref="TimeoutException"/>; an abort or a cancellation with
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <param name="timeouts">Where the operations' timeouts are kept; the runtime's timers if null.</param>
public sealed class AsyncFacade(CancellationToken aborted, TimeSpan defaultTimeout, Executor executor, TimeoutScheduler? timeouts = null)
{
    private readonly TimeoutScheduler _timeouts = timeouts ?? TimeoutScheduler.Timers;

    // Bytes read past a delimiter wait here for the next read of the same socket.
    private static readonly ConditionalWeakTable<Socket, StrongBox<ReadOnlyMemory<byte>>> Leftovers = new();

    public Task<IPAddress[]> ResolveAsync(string host, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        Run(token => Dns.GetHostAddressesAsync(host, token), timeout, cancellation, $"resolving {host}");

    /// <summary>Connects a TCP socket; the app owns it (dispose it in a <c>finally</c>).</summary>
    public Task<Socket> ConnectAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        Run(
            async token =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(host, port, token).ConfigureAwait(false);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            timeout,
            cancellation,
            $"connecting to {host}:{port}");

    /// <summary>Reads up to <paramref name="maxBytes"/>; empty when the peer has closed.</summary>
    public Task<ReadOnlyMemory<byte>> ReadAsync(Socket socket, int maxBytes, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        var leftover = Leftovers.GetOrCreateValue(socket);
        if (!leftover.Value.IsEmpty)
        {
            var take = Math.Min(maxBytes, leftover.Value.Length);
            var result = leftover.Value[..take];
            leftover.Value = leftover.Value[take..];
            return Task.FromResult(result);
        }
        return Run(
            async token =>
            {
                var buffer = new byte[maxBytes];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
                return (ReadOnlyMemory<byte>)buffer.AsMemory(0, read);
            },
            timeout,
            cancellation,
            "reading");
    }

    /// <summary>
    /// Reads until <paramref name="delimiter"/> (included in the result); what comes after it is kept
    /// for the next read. Fails with <see cref="InvalidDataException"/> past <paramref name="maxBytes"/>,
    /// with <see cref="EndOfStreamException"/> if the peer closes first.
    /// </summary>
    public Task<byte[]> ReadUntilAsync(Socket socket, ReadOnlyMemory<byte> delimiter, int maxBytes = 64 * 1024, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        if (delimiter.IsEmpty)
            throw new ArgumentException("The delimiter is empty.", nameof(delimiter));
        var leftover = Leftovers.GetOrCreateValue(socket);
        return Run(
            async token =>
            {
                var collected = leftover.Value.ToArray().ToList();
                leftover.Value = default;
                var buffer = new byte[4096];
                while (true)
                {
                    var at = IndexOf(collected, delimiter.Span);
                    if (at >= 0)
                    {
                        var end = at + delimiter.Length;
                        leftover.Value = collected.Skip(end).ToArray();
                        return collected.Take(end).ToArray();
                    }
                    if (collected.Count > maxBytes)
                        throw new InvalidDataException($"No delimiter within {maxBytes} bytes.");
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
                    if (read == 0)
                        throw new EndOfStreamException("The peer closed the connection before the delimiter.");
                    collected.AddRange(buffer.AsSpan(0, read).ToArray());
                }
            },
            timeout,
            cancellation,
            "reading until a delimiter");
    }

    public Task WriteAsync(Socket socket, ReadOnlyMemory<byte> data, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        Run(
            async token =>
            {
                while (!data.IsEmpty)
                    data = data[await socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false)..];
                return true;
            },
            timeout,
            cancellation,
            "writing");

    /// <summary>Runs blocking or heavy work on the executor, off the actor threads.</summary>
    public Task<T> SubmitAsync<T>(Func<T> work, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        Run(token => executor.Submit(work, token), timeout, cancellation, "submitted work", FutureKind.Executor);

    private Task<T> Run<T>(Func<CancellationToken, Task<T>> operation, TimeSpan? timeout, CancellationToken cancellation, string what, string kind = FutureKind.Io) =>
        FutureKind.Label(RunWithTimeout(operation, timeout, cancellation, what), kind);

    private async Task<T> RunWithTimeout<T>(Func<CancellationToken, Task<T>> operation, TimeSpan? timeout, CancellationToken cancellation, string what)
    {
        var limit = timeout ?? defaultTimeout;
        using var timer = new CancellationTokenSource();
        using var armed = _timeouts.CancelAfter(timer, limit);
        using var linked = cancellation.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token, cancellation)
            : CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token);
        try
        {
            return await operation(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !aborted.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} took longer than {limit.TotalMilliseconds:0} ms.");
        }
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> delimiter) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data).IndexOf(delimiter);
}
