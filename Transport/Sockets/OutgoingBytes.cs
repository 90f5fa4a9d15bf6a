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
    // Most writes are one segment in one rented array (a head and a small body packed together): those
    // are fields, and lists are made only past them, as a response is mostly a single write.
    private ArraySegment<byte> _firstSegment;
    private List<ArraySegment<byte>>? _moreSegments;
    private byte[]? _firstRented;
    private List<byte[]>? _moreRented;
    private int _segmentCount;

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
            if (_firstRented is null)
                _firstRented = _packing;
            else
                (_moreRented ??= []).Add(_packing);
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
        AddSegment(segment);
        Length += segment.Count;
    }

    /// <summary>Appends the segments to write to <paramref name="segments"/>.</summary>
    public void CopySegmentsTo(List<ArraySegment<byte>> segments)
    {
        if (_segmentCount == 0)
            return;
        segments.Add(_firstSegment);
        if (_moreSegments is not null)
            segments.AddRange(_moreSegments);
    }

    /// <summary>Finishes packing; call before the segments are written.</summary>
    public OutgoingBytes Seal()
    {
        SealPacked();
        return this;
    }

    public void ReturnRented()
    {
        if (_firstRented is not null)
            ArrayPool<byte>.Shared.Return(_firstRented);
        if (_moreRented is not null)
        {
            foreach (var array in _moreRented)
                ArrayPool<byte>.Shared.Return(array);
        }
        _firstRented = null;
        _moreRented = null;
        _packing = null;
    }

    private void SealPacked()
    {
        if (_packing is null || _packed == _packStart)
            return;
        AddSegment(new ArraySegment<byte>(_packing, _packStart, _packed - _packStart));
        _packStart = _packed;
    }

    private void AddSegment(ArraySegment<byte> segment)
    {
        if (_segmentCount++ == 0)
            _firstSegment = segment;
        else
            (_moreSegments ??= []).Add(segment);
    }
}
