using Akka.Streams;
using Akka.Streams.Stage;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Http;

/// <summary>
/// HTTP/1.1 request parsing: bytes in, a <see cref="RequestHead"/> then its body's
/// <see cref="RequestBody"/> parts out, one element per downstream pull, so a body is read from the
/// socket only as fast as it is consumed. An input element is only valid until the next pull (the
/// read source reuses its buffer), so everything kept beyond that is copied. Bad input fails the
/// stage with a <see cref="RequestRejectedException"/> that names the rule broken (its reason).
/// </summary>
public sealed class HttpRequestParser : GraphStage<FlowShape<ReadOnlyMemory<byte>, RequestPart>>
{
    // Trailer fields are checked and dropped: WSGI has no API for them, and none of those that RFC 9110
    // §6.5.1 keeps out of trailers (Content-Type, Authorization, ...) may reach an app as if it were a
    // header. These three would frame or route the request: sent after the body they can only be an
    // attempt to smuggle, so the request is refused (as the gunicorn corpus expects for Host and
    // Transfer-Encoding).
    private static readonly string[] RefusedTrailers = ["Transfer-Encoding", "Content-Length", "Host"];

    // RFC 9112 §2.2 lets a server ignore at least one empty line before a request line (some clients
    // send a CRLF after a body); past this many it is not a client being lenient.
    private const int MaxEmptyLinesBeforeRequest = 8;

    private readonly HttpLimits _limits;

    public HttpRequestParser(HttpLimits limits)
    {
        _limits = limits;
        Shape = new FlowShape<ReadOnlyMemory<byte>, RequestPart>(In, Out);
    }

    public Inlet<ReadOnlyMemory<byte>> In { get; } = new("HttpRequestParser.in");

    public Outlet<RequestPart> Out { get; } = new("HttpRequestParser.out");

    public override FlowShape<ReadOnlyMemory<byte>, RequestPart> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, TimeoutsAttribute.From(inheritedAttributes));

    private enum State
    {
        Head,
        FixedBody,
        ChunkLine,
        ChunkData,
        ChunkDataEnd,
        Trailers,
    }

    private sealed class Logic : PerConnectionLogic, IInHandler, IOutHandler
    {
        private readonly HttpRequestParser _stage;
        private readonly HttpLimits _limits;
        private readonly TimeoutTable _timeouts;
        // Its strings are reused by the next head where the bytes are the same (HeadStrings).
        private RequestHead? _previousHead;
        // Runs from a head's first byte to its last: a slow client cannot hold the connection with a head that never ends.
        private PhaseTimeout? _headTimeout;
        private ReadOnlyMemory<byte> _input;
        // Heads split across reads are put together here; most arrive whole and never need it.
        private byte[] _accumulated = [];
        private int _accumulatedLength;
        private State _state;
        private long _remaining;
        private long _bodyTotal;
        private int _crlfSeen;
        // CR and LF bytes of empty lines skipped before the next request line: odd while a CR waits for its LF.
        private int _emptyLineBytes;
        private int _trailerCount;
        private bool _upstreamFinished;

        public Logic(HttpRequestParser stage, TimeoutTable timeouts)
            : base(inCount: 1, outCount: 1)
        {
            _stage = stage;
            _limits = stage._limits;
            _timeouts = timeouts;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public void OnPush()
        {
            _input = Grab(_stage.In);
            if (IsAvailable(_stage.Out))
                Produce();
        }

        public void OnUpstreamFinish()
        {
            _upstreamFinished = true;
            if (_state == State.Head && _accumulatedLength == 0 && _input.IsEmpty)
                CompleteStage();
            else if (IsAvailable(_stage.Out))
                Produce();
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull() => Produce();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public override void PreStart() => _headTimeout = new PhaseTimeout(_timeouts, TimeoutReason.RequestHead, _limits.HeaderTimeout, GetAsyncCallback(OnHeadDeadline));

        public override void PostStop() => _headTimeout?.Remove();

        private void OnHeadDeadline()
        {
            if (_headTimeout!.HasExpired())
                FailStage(new RequestRejectedException(RequestRejectionReason.HeadTimeout, _limits.HeaderTimeout.TotalSeconds));
        }

        private void Produce()
        {
            RequestPart? part;
            try
            {
                part = TryParse();
            }
            catch (RequestRejectedException e)
            {
                FailStage(e);
                return;
            }
            if (part is not null)
                Push(_stage.Out, part);
            else if (_upstreamFinished)
                FailStage(new RequestRejectedException(_state == State.Head ? RequestRejectionReason.ClosedInHead : RequestRejectionReason.ClosedInBody));
            else if (!HasBeenPulled(_stage.In))
                Pull(_stage.In);
        }

        /// <summary>The next part, or null once the input is used up.</summary>
        private RequestPart? TryParse()
        {
            while (true)
            {
                switch (_state)
                {
                    case State.Head:
                        return TryHead();
                    case State.FixedBody:
                    case State.ChunkData:
                        if (_input.IsEmpty)
                            return null;
                        return TakeBody();
                    case State.ChunkLine:
                        if (!TryTakeLine(_limits.MaxChunkLine, RequestRejectionReason.ChunkLineTooLong, out var sizeLine))
                            return null;
                        StartChunk(ParseChunkSize(sizeLine.Span));
                        break;
                    case State.ChunkDataEnd:
                        if (!TryTakeChunkCrlf())
                            return null;
                        _state = State.ChunkLine;
                        break;
                    case State.Trailers:
                        if (!TryTakeLine(_limits.MaxHeaderField, RequestRejectionReason.TrailerLineTooLong, out var trailer))
                            return null;
                        if (trailer.IsEmpty)
                        {
                            _state = State.Head;
                            return RequestBody.End;
                        }
                        CheckTrailer(trailer.Span);
                        break;
                }
            }
        }

        private RequestHead? TryHead()
        {
            if (_accumulatedLength == 0)
            {
                if (!SkipEmptyLines())
                    return null;
                if (!_headTimeout!.IsRunning)
                    _headTimeout.Start(Environment.TickCount64);
                var end = FindHeadEnd(_input.Span, 0);
                if (end >= 0)
                {
                    var head = _previousHead = HeadParser.Parse(_input.Span[..end], _limits, _previousHead);
                    _input = _input[end..];
                    return StartRequest(head);
                }
                CheckPartialHead(_input.Span);
                Accumulate(_input.Span);
                _input = default;
                return null;
            }

            var before = _accumulatedLength;
            Accumulate(_input.Span);
            var whole = _accumulated.AsSpan(0, _accumulatedLength);
            var headEnd = FindHeadEnd(whole, Math.Max(0, before - 3));
            if (headEnd < 0)
            {
                CheckPartialHead(whole);
                _input = default;
                return null;
            }
            var parsed = _previousHead = HeadParser.Parse(whole[..headEnd], _limits, _previousHead);
            _input = _input[(headEnd - before)..];
            _accumulatedLength = 0;
            return StartRequest(parsed);
        }

        /// <summary>
        /// Skips the empty lines before a request line, however they arrive (a CR in one read, its LF in
        /// the next); false when the input is used up. They do not start the head timeout: the
        /// connection's keep-alive timeout still runs.
        /// </summary>
        private bool SkipEmptyLines()
        {
            var span = _input.Span;
            var i = 0;
            for (; i < span.Length; i++)
            {
                var crWaiting = (_emptyLineBytes & 1) == 1;
                if (span[i] != (crWaiting ? (byte)'\n' : (byte)'\r'))
                {
                    if (crWaiting)
                        throw new RequestRejectedException(RequestRejectionReason.MalformedRequestLine);
                    break;
                }
                if (++_emptyLineBytes > 2 * MaxEmptyLinesBeforeRequest)
                    throw new RequestRejectedException(RequestRejectionReason.TooManyEmptyLinesBeforeRequest, MaxEmptyLinesBeforeRequest);
            }
            _input = _input[i..];
            return !_input.IsEmpty;
        }

        private RequestHead StartRequest(RequestHead head)
        {
            _headTimeout!.Stop();
            _emptyLineBytes = 0;
            _bodyTotal = 0;
            _state = head.Framing switch
            {
                BodyFraming.Chunked => State.ChunkLine,
                BodyFraming.ContentLength when head.ContentLength > 0 => State.FixedBody,
                _ => State.Head,
            };
            _remaining = head.ContentLength;
            return head;
        }

        /// <summary>The index just past the head's blank line, or -1; every LF must follow a CR.</summary>
        private static int FindHeadEnd(ReadOnlySpan<byte> data, int from)
        {
            var i = from;
            while (true)
            {
                var lf = data[i..].IndexOf((byte)'\n');
                if (lf < 0)
                    return -1;
                lf += i;
                if (lf == 0 || data[lf - 1] != '\r')
                    throw new RequestRejectedException(RequestRejectionReason.BareLineFeedInHead);
                if (lf >= 3 && data[lf - 2] == '\n' && data[lf - 3] == '\r')
                    return lf + 1;
                i = lf + 1;
            }
        }

        private void CheckPartialHead(ReadOnlySpan<byte> partial)
        {
            var firstLine = partial.IndexOf((byte)'\n');
            if ((firstLine < 0 ? partial.Length : firstLine - 1) > _limits.MaxRequestLine)
                throw new RequestRejectedException(RequestRejectionReason.RequestLineTooLong, _limits.MaxRequestLine);
            if (partial.Length > _limits.MaxRequestLine + _limits.MaxHeadersSize + 4)
                throw new RequestRejectedException(RequestRejectionReason.HeadersTooLarge, _limits.MaxHeadersSize);
        }

        private RequestBody TakeBody()
        {
            var count = (int)Math.Min(_remaining, _input.Length);
            var data = _input[..count].ToArray();
            _input = _input[count..];
            _remaining -= count;
            if (_remaining > 0)
                return new RequestBody(data, false);
            if (_state == State.ChunkData)
            {
                _state = State.ChunkDataEnd;
                _crlfSeen = 0;
                return new RequestBody(data, false);
            }
            _state = State.Head;
            return new RequestBody(data, true);
        }

        private void StartChunk(long size)
        {
            if (size == 0)
            {
                _state = State.Trailers;
                _trailerCount = 0;
                return;
            }
            _bodyTotal += size;
            if (_bodyTotal > _limits.MaxBodySize)
                throw new RequestRejectedException(RequestRejectionReason.BodyTooLarge, _limits.MaxBodySize);
            _remaining = size;
            _state = State.ChunkData;
        }

        /// <summary>chunk-size [ chunk-ext ]: hex digits only, no sign, no whitespace before the extension (RFC 9112 §7.1).</summary>
        private static long ParseChunkSize(ReadOnlySpan<byte> line)
        {
            long size = 0;
            var digits = 0;
            var i = 0;
            for (; i < line.Length && char.IsAsciiHexDigit((char)line[i]); i++)
            {
                if (size == 0 && line[i] == '0')
                    continue;
                if (++digits > 15)
                    throw new RequestRejectedException(RequestRejectionReason.ChunkSizeTooLarge);
                size = size * 16 + HexValue(line[i]);
            }
            if (i == 0 || (i < line.Length && line[i] != ';'))
                throw new RequestRejectedException(RequestRejectionReason.MalformedChunkSize);
            if (!ChunkExtensions.AreValid(line[i..]))
                throw new RequestRejectedException(RequestRejectionReason.InvalidChunkExtension);
            return size;
        }

        private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

        private bool TryTakeChunkCrlf()
        {
            while (_crlfSeen < 2)
            {
                if (_input.IsEmpty)
                    return false;
                var expected = _crlfSeen == 0 ? (byte)'\r' : (byte)'\n';
                if (_input.Span[0] != expected)
                    throw new RequestRejectedException(RequestRejectionReason.ChunkDataNotFollowedByCrlf);
                _input = _input[1..];
                _crlfSeen++;
            }
            return true;
        }

        private void CheckTrailer(ReadOnlySpan<byte> line)
        {
            if (++_trailerCount > _limits.MaxHeaderCount)
                throw new RequestRejectedException(RequestRejectionReason.TooManyTrailers, _limits.MaxHeaderCount);
            var (name, _) = HeadParser.ParseField(line);
            foreach (var refused in RefusedTrailers)
            {
                if (name.Equals(refused, StringComparison.OrdinalIgnoreCase))
                    throw new RequestRejectedException(RequestRejectionReason.ForbiddenTrailer, name);
            }
        }

        /// <summary>Takes one CRLF-terminated line (without the CRLF), gathering it across reads.</summary>
        private bool TryTakeLine(int limit, RequestRejectionReason tooLong, out ReadOnlyMemory<byte> line)
        {
            var lf = _input.Span.IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (_accumulatedLength + _input.Length > limit)
                    throw new RequestRejectedException(tooLong, limit);
                Accumulate(_input.Span);
                _input = default;
                line = default;
                return false;
            }
            if (_accumulatedLength == 0)
            {
                line = _input[..(lf + 1)];
            }
            else
            {
                Accumulate(_input.Span[..(lf + 1)]);
                line = _accumulated.AsMemory(0, _accumulatedLength);
                _accumulatedLength = 0;
            }
            _input = _input[(lf + 1)..];
            if (line.Length > limit)
                throw new RequestRejectedException(tooLong, limit);
            if (line.Length < 2 || line.Span[^2] != '\r')
                throw new RequestRejectedException(RequestRejectionReason.BareLineFeedInChunkOrTrailer);
            line = line[..^2];
            return true;
        }

        private void Accumulate(ReadOnlySpan<byte> data)
        {
            if (_accumulatedLength + data.Length > _accumulated.Length)
                Array.Resize(ref _accumulated, Math.Max(Math.Max(_accumulated.Length * 2, 256), _accumulatedLength + data.Length));
            data.CopyTo(_accumulated.AsSpan(_accumulatedLength));
            _accumulatedLength += data.Length;
        }
    }
}
