using System.Buffers;

namespace Resume.Transport.Sockets;

/// <summary>
/// Bytes for one socket write, as a gather list: small pieces are packed into rented arrays, large
/// ones are referenced where they lie. The rented arrays go back to the pool once the write is done.
/// </summary>
public sealed class OutgoingBytes
{
    private const int PackLimit = 1024;
    private const int PackArraySize = 4096;

    private byte[]? _packing;
    private int _packed;
    private int _packStart;

    public List<ArraySegment<byte>> Segments { get; } = new(4);

    public List<byte[]> Rented { get; } = new(1);

    public long Length { get; private set; }

    /// <summary>Close the connection once these bytes are sent (gracefully, see <see cref="SocketCloser"/>).</summary>
    public bool CloseAfter { get; set; }

    /// <summary>
    /// These bytes end a response cut short whose framing cannot show it (close-delimited): once they
    /// are sent, close with a reset, so the client does not take the cut for the end.
    /// </summary>
    public bool ResetAfter { get; set; }

    /// <summary>The client will send nothing more and nothing of its is unread: a close need not linger.</summary>
    public bool ClientFinished { get; set; }

    /// <summary>More bytes follow at once (pipelined responses): they may go out in the same send.</summary>
    public bool MoreFollow { get; set; }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        if (_packing is null || _packed + bytes.Length > _packing.Length)
        {
            SealPacked();
            _packing = ArrayPool<byte>.Shared.Rent(Math.Max(PackArraySize, bytes.Length));
            Rented.Add(_packing);
            _packed = 0;
            _packStart = 0;
        }
        bytes.CopyTo(_packing.AsSpan(_packed));
        _packed += bytes.Length;
        Length += bytes.Length;
    }

    /// <summary>Adds bytes the caller will not change until the write is done: large ones are not copied.</summary>
    public void AddOwned(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length <= PackLimit || !System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment))
        {
            Add(bytes.Span);
            return;
        }
        SealPacked();
        Segments.Add(segment);
        Length += segment.Count;
    }

    /// <summary>Finishes packing; call before the segments are written.</summary>
    public OutgoingBytes Seal()
    {
        SealPacked();
        return this;
    }

    public void ReturnRented()
    {
        foreach (var array in Rented)
            ArrayPool<byte>.Shared.Return(array);
        Rented.Clear();
        _packing = null;
    }

    private void SealPacked()
    {
        if (_packing is null || _packed == _packStart)
            return;
        Segments.Add(new ArraySegment<byte>(_packing, _packStart, _packed - _packStart));
        _packStart = _packed;
    }
}
