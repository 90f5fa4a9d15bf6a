using System.Text;

namespace Resume.Apps;

/// <summary>
/// The request body (<c>wsgi.input</c>), read on demand: each read returns a future to yield, and the
/// server reads the socket only as the app asks. Reads never pass the end of the body; at the end they
/// return empty. One read at a time; the futures may be awaited on any thread.
/// </summary>
public abstract class RequestInput
{
    private ReadOnlyMemory<byte> _putBack;

    /// <summary>Reads up to <paramref name="maxBytes"/> bytes; an empty result means the body has ended.</summary>
    public Task<ReadOnlyMemory<byte>> ReadAsync(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (_putBack.IsEmpty)
            return ReadChunkAsync(maxBytes);
        var take = Math.Min(maxBytes, _putBack.Length);
        var result = _putBack[..take];
        _putBack = _putBack[take..];
        return Task.FromResult(result);
    }

    /// <summary>
    /// Reads up to <paramref name="maxBytes"/> bytes, waiting if none are buffered: for apps registered
    /// as blocking, or with a pre-buffered body. A suspending app yields <see cref="ReadAsync"/> instead.
    /// </summary>
    public virtual ReadOnlyMemory<byte> Read(int maxBytes) => ReadAsync(maxBytes).GetAwaiter().GetResult();

    /// <summary>Whether bytes put back by <see cref="ReadLineAsync"/> are waiting.</summary>
    protected bool HasPutBack => !_putBack.IsEmpty;

    /// <summary>Reads the whole body; fails with <see cref="InvalidDataException"/> past <paramref name="limit"/> bytes.</summary>
    public async Task<byte[]> ReadToEndAsync(long limit = long.MaxValue)
    {
        using var collected = new MemoryStream();
        while (true)
        {
            var chunk = await ReadAsync(64 * 1024).ConfigureAwait(false);
            if (chunk.IsEmpty)
                return collected.ToArray();
            if (collected.Length + chunk.Length > limit)
                throw new InvalidDataException($"The request body is larger than {limit} bytes.");
            collected.Write(chunk.Span);
        }
    }

    /// <summary>
    /// Reads one line, up to and including its LF, decoded as Latin-1 (one char a byte); an empty
    /// string means the body has ended. Fails with <see cref="InvalidDataException"/> past <paramref name="limit"/> bytes.
    /// </summary>
    public async Task<string> ReadLineAsync(int limit = 64 * 1024)
    {
        var line = new StringBuilder();
        while (true)
        {
            var chunk = await ReadAsync(limit + 1).ConfigureAwait(false);
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

    /// <summary>The server's read: up to <paramref name="maxBytes"/> bytes of the body, empty at its end.</summary>
    protected abstract Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes);
}
