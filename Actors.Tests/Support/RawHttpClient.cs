using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A client on a plain socket, so tests control every byte sent and see every byte received:
/// pipelining, split writes, half-closes, slow reading.
/// </summary>
public sealed class RawHttpClient : IAsyncDisposable
{
    /// <summary>How long a read waits when the test gives no timeout; <see cref="ServerSpec"/> dilates it by akka.test.timefactor.</summary>
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(20);

    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private Stopwatch? _readClock;

    private RawHttpClient(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    /// <summary>A slow reader: at most this many bytes a second, in reads of at most 16 KiB; null reads as fast as bytes come.</summary>
    public long? ReadRate { get; set; }

    /// <summary>How many bytes have come from the server so far.</summary>
    public long BytesReceived { get; private set; }

    public static async Task<RawHttpClient> ConnectAsync(IPEndPoint endpoint, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
            socket.ReceiveBufferSize = size;
        await socket.ConnectAsync(endpoint);
        return new RawHttpClient(socket);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Sends <paramref name="bytes"/> in pieces of the given sizes, each its own write.</summary>
    public async Task SendInPiecesAsync(byte[] bytes, IEnumerable<int> pieceSizes)
    {
        var offset = 0;
        foreach (var size in pieceSizes)
        {
            if (offset >= bytes.Length)
                break;
            var count = Math.Min(size, bytes.Length - offset);
            await SendAsync(bytes.AsMemory(offset, count));
            offset += count;
        }
        if (offset < bytes.Length)
            await SendAsync(bytes.AsMemory(offset));
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one response; for a response to HEAD pass <paramref name="head"/> so no body is expected.</summary>
    public async Task<RawResponse> ReadResponseAsync(bool head = false, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var token = cts.Token;
        var statusLine = await ReadLineAsync(token) ?? throw new IOException("The server closed the connection before a response.");
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = await ReadLineAsync(token) ?? throw new IOException("The server closed the connection inside a response head.");
            if (line.Length == 0)
                break;
            var colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var status = int.Parse(statusLine.AsSpan(9, 3), CultureInfo.InvariantCulture);
        var response = new RawResponse(status, statusLine, headers, [], false, true);
        if (head || status < 200 || status is 204 or 304)
            return response;
        if (response.Header("Transfer-Encoding") == "chunked")
            return await ReadChunkedAsync(response, token);
        if (response.Header("Content-Length") is { } lengthText)
        {
            var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            var body = await ReadBytesAsync(length, token);
            return response with { Body = body, Complete = body.Length == length };
        }
        return response with { Body = await ReadToEndAsync(token) };
    }

    /// <summary>True when the server closed the connection (no more bytes) within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return _start == _end && !await FillAsync(cts.Token);
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Reads and drops up to <paramref name="count"/> bytes; returns how many came.</summary>
    public async Task<long> DrainAsync(long count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        long read = 0;
        while (read < count)
        {
            if (_start == _end && !await FillAsync(cts.Token))
                break;
            var take = (int)Math.Min(count - read, _end - _start);
            _start += take;
            read += take;
        }
        return read;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _socket.Dispose();
    }

    private async Task<RawResponse> ReadChunkedAsync(RawResponse response, CancellationToken token)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(token);
            if (sizeLine is null)
                return response with { Body = body.ToArray(), Chunked = true, Complete = false };
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(token))?.Length > 0)
                {
                }
                return response with { Body = body.ToArray(), Chunked = true };
            }
            var data = await ReadBytesAsync(size, token);
            body.Write(data);
            if (data.Length < size || await ReadLineAsync(token) is null)
                return response with { Body = body.ToArray(), Chunked = true, Complete = false };
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                _start = lf + 1;
                return line;
            }
            if (!await FillAsync(token))
                return null;
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken token)
    {
        var result = new MemoryStream(count);
        while (result.Length < count)
        {
            if (_start == _end && !await FillAsync(token))
                break;
            var take = (int)Math.Min(count - result.Length, _end - _start);
            result.Write(_buffer, _start, take);
            _start += take;
        }
        return result.ToArray();
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken token)
    {
        var result = new MemoryStream();
        while (true)
        {
            if (_start == _end && !await FillAsync(token))
                return result.ToArray();
            result.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
    }

    private async Task<bool> FillAsync(CancellationToken token)
    {
        if (_eof)
            return false;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        var room = _buffer.AsMemory(_end);
        if (ReadRate is { } rate)
        {
            // Paced to the rate: the server meets a reader slower than its writes.
            _readClock ??= Stopwatch.StartNew();
            var ahead = TimeSpan.FromSeconds((double)BytesReceived / rate) - _readClock.Elapsed;
            if (ahead > TimeSpan.Zero)
                await Task.Delay(ahead, token);
            room = room[..Math.Min(room.Length, 16 * 1024)];
        }
        var read = await _socket.ReceiveAsync(room, SocketFlags.None, token);
        if (read == 0)
        {
            _eof = true;
            return false;
        }
        _end += read;
        BytesReceived += read;
        return true;
    }
}
