using System.Text;
using Akka.Streams;
using Akka.Streams.Stage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Resume.Transport.Sockets;

namespace Resume.Transport.Http;

/// <summary>
/// Renders responses to bytes and decides their framing in one place: the app's Content-Length,
/// else chunked for HTTP/1.1, else close-delimited; no body for HEAD, 1xx, 204 and 304. A head and
/// the chunks that come with it leave as one write. After a response that must close the connection
/// it completes, and the write sink closes the socket once every byte is out (with a reset when a
/// close-delimited response was cut short). An app's body longer than its Content-Length is logged to
/// <paramref name="log"/> (the connections', category Resume.Connection).
/// </summary>
public sealed partial class HttpResponseRenderer(string serverName, ILogger? log = null) : GraphStage<FlowShape<ResponseOut, OutgoingBytes>>
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    // Made once for the server, not per connection.
    private readonly byte[] _serverLine = Encoding.ASCII.GetBytes($"Server: {serverName}\r\n");

    public Inlet<ResponseOut> In { get; } = new("HttpResponseRenderer.in");

    public Outlet<OutgoingBytes> Out { get; } = new("HttpResponseRenderer.out");

    public override FlowShape<ResponseOut, OutgoingBytes> Shape => new(In, Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private enum Framing
    {
        NoBody,
        Sized,
        Chunked,
        CloseDelimited,
    }

    private sealed class Logic : PerConnectionLogic, IInHandler, IOutHandler
    {
        private readonly HttpResponseRenderer _stage;
        private Framing _framing;
        private long _remaining;
        private bool _closeAfter;

        public Logic(HttpResponseRenderer stage)
            : base(inCount: 1, outCount: 1)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public void OnPull() => Pull(_stage.In);

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public void OnUpstreamFinish() => CompleteStage();

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPush()
        {
            var part = Grab(_stage.In);
            var bytes = new OutgoingBytes();
            if (part.IsContinue)
            {
                bytes.Add("HTTP/1.1 100 Continue\r\n\r\n"u8);
                Push(_stage.Out, bytes.Seal());
                return;
            }
            if (part.Head is not null)
                RenderHead(part.Head, part.Context, bytes);
            var chunks = part.Chunks;
            for (var i = 0; i < chunks.Count; i++)
                RenderChunk(chunks[i], bytes);
            if (part.IsAbort)
            {
                bytes.CloseAfter = true;
                // A close-delimited body ends at the close: only a reset tells the client it was cut.
                bytes.ResetAfter = _framing == Framing.CloseDelimited;
            }
            else if (part.IsFinal)
            {
                if (_framing == Framing.Chunked)
                    bytes.Add(LastChunk);
                // A sized body that fell short cannot be finished: close so the client sees it cut.
                bytes.CloseAfter = _closeAfter || (_framing == Framing.Sized && _remaining > 0);
            }

            bytes.MoreFollow = part.MoreFollow;
            bytes.ClientFinished = part.ClientFinished;
            if (bytes.Length == 0 && !bytes.CloseAfter)
            {
                Pull(_stage.In);
                return;
            }
            Push(_stage.Out, bytes.Seal());
            if (bytes.CloseAfter)
                CompleteStage();
        }

        private void RenderHead(ResponseHead head, ResponseContext context, OutgoingBytes bytes)
        {
            var bodiless = head.Status < 200 || head.Status is 204 or 304;
            _framing = bodiless || context.IsHead ? Framing.NoBody
                : head.ContentLength is { } length ? Framing.Sized
                : context.MinorVersion == 1 ? Framing.Chunked
                : Framing.CloseDelimited;
            _remaining = head.ContentLength ?? 0;
            _closeAfter = !context.KeepAlive || head.Close || _framing == Framing.CloseDelimited;

            bytes.Add("HTTP/1.1 "u8);
            AddLatin1(bytes, head.StatusLine);
            bytes.Add(Crlf);
            bool hasDate = false, hasServer = false;
            var headers = head.Headers;
            for (var i = 0; i < headers.Count; i++)
            {
                var (name, value) = headers[i];
                if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    continue;
                hasDate |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
                hasServer |= name.Equals("Server", StringComparison.OrdinalIgnoreCase);
                AddLatin1(bytes, name);
                bytes.Add(": "u8);
                AddLatin1(bytes, value);
                bytes.Add(Crlf);
            }
            if (!hasDate)
                bytes.Add(HttpDate.HeaderLine);
            if (!hasServer)
                bytes.Add(_stage._serverLine);
            if (_framing == Framing.Chunked)
                bytes.Add("Transfer-Encoding: chunked\r\n"u8);
            if (_closeAfter)
                bytes.Add("Connection: close\r\n"u8);
            else if (context.MinorVersion == 0)
                bytes.Add("Connection: keep-alive\r\n"u8);
            bytes.Add(Crlf);
        }

        private void RenderChunk(ReadOnlyMemory<byte> chunk, OutgoingBytes bytes)
        {
            if (chunk.IsEmpty)
                return;
            switch (_framing)
            {
                case Framing.NoBody:
                    return;
                case Framing.Sized:
                    if (chunk.Length > _remaining)
                    {
                        BodyPastContentLength(_stage.Log, _remaining);
                        chunk = chunk[..(int)_remaining];
                        _closeAfter = true;
                    }
                    _remaining -= chunk.Length;
                    bytes.AddOwned(chunk);
                    return;
                case Framing.Chunked:
                    Span<byte> size = stackalloc byte[18];
                    chunk.Length.TryFormat(size, out var written, "X");
                    size[written++] = (byte)'\r';
                    size[written++] = (byte)'\n';
                    bytes.Add(size[..written]);
                    bytes.AddOwned(chunk);
                    bytes.Add(Crlf);
                    return;
                default:
                    bytes.AddOwned(chunk);
                    return;
            }
        }

        private static void AddLatin1(OutgoingBytes bytes, string text)
        {
            Span<byte> buffer = text.Length <= 512 ? stackalloc byte[text.Length] : new byte[text.Length];
            Encoding.Latin1.GetBytes(text, buffer);
            bytes.Add(buffer);
        }
    }

    private ILogger Log { get; } = log ?? NullLogger.Instance;

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "A response body is longer than its Content-Length (a chunk came with {RemainingBytes} bytes left); the excess is dropped and the connection closed.")]
    private static partial void BodyPastContentLength(ILogger log, long remainingBytes);
}
