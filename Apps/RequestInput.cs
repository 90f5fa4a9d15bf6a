using System.Text;

namespace Resume.Apps;

/// <summary>
/// The request body (<c>wsgi.input</c>), read on demand: each read returns a future to yield, and the
/// server reads the socket only as the app asks. Reads never pass the end of the body; at the end they
/// return empty. One read at a time; the futures may be awaited on any thread. Every read takes an
/// optional <see cref="CancellationToken"/>; without one it is cancelled by the request's
/// <see cref="Environ.Aborted"/>, and a read still pending when the request ends fails.
/// </summary>
public abstract class RequestInput
{
    private readonly CancellationToken _aborted;
    private ReadOnlyMemory<byte> _putBack;

    /// <param name="aborted">The request's <see cref="Environ.Aborted"/>: what cancels a read given no token.</param>
    /// <param name="allowsSyncReads">Whether <see cref="Read"/> may wait: the app is registered as blocking or pre-buffered.</param>
    protected RequestInput(CancellationToken aborted, bool allowsSyncReads)
    {
        _aborted = aborted;
        AllowsSyncReads = allowsSyncReads;
    }

    /// <summary>
    /// Whether synchronous <see cref="Read"/> is allowed: for apps registered as blocking (their steps
    /// run on threads that may wait) or pre-buffered (the body is in memory before the app starts).
    /// </summary>
    public bool AllowsSyncReads { get; }

    /// <summary>The request's <see cref="Environ.Aborted"/>, which a read given no token uses.</summary>
    protected CancellationToken RequestAborted => _aborted;

    /// <summary>Reads up to <paramref name="maxBytes"/> bytes; an empty result means the body has ended.</summary>
    public Task<ReadOnlyMemory<byte>> ReadAsync(int maxBytes, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (_putBack.IsEmpty)
        {
            var token = cancellation.CanBeCanceled ? cancellation : _aborted;
            return token.IsCancellationRequested
                ? Task.FromCanceled<ReadOnlyMemory<byte>>(token)
                : ReadChunkAsync(maxBytes, token);
        }
        var take = Math.Min(maxBytes, _putBack.Length);
        var result = _putBack[..take];
        _putBack = _putBack[take..];
        return Task.FromResult(result);
    }

    /// <summary>
    /// Reads up to <paramref name="maxBytes"/> bytes, waiting if none are buffered. Only for apps that
    /// <see cref="AllowsSyncReads"/>; elsewhere it throws <see cref="InvalidOperationException"/> rather
    /// than block an actor thread, whether or not bytes happen to be buffered (a suspending app yields
    /// <see cref="ReadAsync"/> instead).
    /// </summary>
    public ReadOnlyMemory<byte> Read(int maxBytes, CancellationToken cancellation = default)
    {
        if (!AllowsSyncReads)
            throw new InvalidOperationException(
                "A synchronous Read would block an actor thread: yield Input.ReadAsync instead, or register the app as blocking or pre-buffered in HOCON.");
        return ReadAsync(maxBytes, cancellation).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Reads the whole body. Past <paramref name="limit"/> bytes it fails with
    /// <see cref="RequestBodyTooLargeException"/>, which the server answers with 413 if the app lets it escape.
    /// </summary>
    public Task<byte[]> ReadToEndAsync(long limit = long.MaxValue, CancellationToken cancellation = default) =>
        FutureKind.Label(ReadAllAsync(limit, cancellation), FutureKind.RequestBody);

    private async Task<byte[]> ReadAllAsync(long limit, CancellationToken cancellation)
    {
        using var collected = new MemoryStream();
        while (true)
        {
            var chunk = await ReadAsync(64 * 1024, cancellation).ConfigureAwait(false);
            if (chunk.IsEmpty)
                return collected.ToArray();
            if (collected.Length + chunk.Length > limit)
                throw new RequestBodyTooLargeException(limit);
            collected.Write(chunk.Span);
        }
    }

    /// <summary>
    /// Reads one line, up to and including its LF, decoded as Latin-1 (one char a byte); an empty
    /// string means the body has ended. Fails with <see cref="InvalidDataException"/> past <paramref name="limit"/> bytes.
    /// </summary>
    public Task<string> ReadLineAsync(int limit = 64 * 1024, CancellationToken cancellation = default) =>
        FutureKind.Label(ReadOneLineAsync(limit, cancellation), FutureKind.RequestBody);

    private async Task<string> ReadOneLineAsync(int limit, CancellationToken cancellation)
    {
        var line = new StringBuilder();
        while (true)
        {
            var chunk = await ReadAsync(limit + 1, cancellation).ConfigureAwait(false);
            if (chunk.IsEmpty)
                return line.ToString();
            var newline = chunk.Span.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline + 1 : chunk.Length;
            if (line.Length + take > limit)
                throw new InvalidDataException($"A line of the request body is longer than {limit} bytes.");
            line.Append(Encoding.Latin1.GetString(chunk.Span[..take]));
            _putBack = chunk[take..];
            if (newline >= 0)
                return line.ToString();
        }
    }

    /// <summary>
    /// The server's read: up to <paramref name="maxBytes"/> bytes of the body, empty at its end. A read
    /// cancelled by <paramref name="cancellation"/> fails with <see cref="OperationCanceledException"/>
    /// and loses no bytes: what arrives for it waits for the next read.
    /// </summary>
    protected abstract Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes, CancellationToken cancellation);
}
