using System.Net.Sockets;

namespace Resume.Transport.Sockets;

/// <summary>
/// Reads a connection's PROXY header (v1 or v2) and not one byte more, so that what follows — TLS or
/// HTTP — is read by its own reader from the first byte. A v2 header says its length; a v1 line is read
/// a byte at a time to its CRLF (at most 107, and only on listeners with the protocol on).
/// </summary>
public static class ProxyHeaderReader
{
    /// <summary>Throws <see cref="FormatException"/> for anything but a PROXY header, <see cref="EndOfStreamException"/> if the peer closes first.</summary>
    public static async Task<ProxyHeader> ReadAsync(Socket socket, CancellationToken cancel = default)
    {
        var start = new byte[ProxyHeader.V2FixedLength];
        // Both versions are told apart by their first 6 bytes, and neither header is shorter than 15.
        await ReadExactlyAsync(socket, start.AsMemory(0, 6), cancel).ConfigureAwait(false);
        if (start.AsSpan(0, 6).SequenceEqual("PROXY "u8))
            return await ReadV1Async(socket, start, cancel).ConfigureAwait(false);
        if (!start.AsSpan(0, 6).SequenceEqual(ProxyHeader.V2Signature[..6]))
            throw new FormatException("the connection did not begin with a PROXY header");
        await ReadExactlyAsync(socket, start.AsMemory(6), cancel).ConfigureAwait(false);
        var rest = new byte[ProxyHeader.V2RemainingLength(start)];
        await ReadExactlyAsync(socket, rest, cancel).ConfigureAwait(false);
        return ProxyHeader.ParseV2(start, rest);
    }

    private static async Task<ProxyHeader> ReadV1Async(Socket socket, byte[] start, CancellationToken cancel)
    {
        var line = new byte[ProxyHeader.V1MaxLength];
        start.AsSpan(0, 6).CopyTo(line);
        var length = 6;
        while (length < 2 || line[length - 2] != '\r' || line[length - 1] != '\n')
        {
            if (length == line.Length)
                throw new FormatException($"a PROXY v1 line is longer than {ProxyHeader.V1MaxLength} bytes");
            await ReadExactlyAsync(socket, line.AsMemory(length, 1), cancel).ConfigureAwait(false);
            length++;
        }
        return ProxyHeader.ParseV1(line.AsSpan(0, length));
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancel)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
                throw new EndOfStreamException("the peer closed before its PROXY header ended");
            buffer = buffer[read..];
        }
    }
}
