using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using Resume.Transport.Http;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// Where a connection's stream meets its actors. Request heads go to the connection actor; body
/// pieces go to the request that asks for them, one per ask, so the socket is read only as the app
/// reads; response pieces from requests leave in request order, and each is acknowledged only once
/// downstream took it, which is the backpressure that pauses an app for a slow client. It pulls the
/// next head while fewer than <see cref="ConnectionSettings.MaxPipelined"/> requests are in flight,
/// which also notices a client that goes away. Input that does not parse is answered here
/// (<see cref="ErrorResponse"/>) after the responses before it, and the connection closes.
/// </summary>
public sealed class ConnectionStage(ConnectionSettings settings) : GraphStage<FlowShape<RequestPart, ResponseOut>>
{
    public Inlet<RequestPart> In { get; } = new("ConnectionStage.in");

    public Outlet<ResponseOut> Out { get; } = new("ConnectionStage.out");

    public override FlowShape<RequestPart, ResponseOut> Shape => new(In, Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, ConnectionAttribute.From(inheritedAttributes), DeadlinesAttribute.From(inheritedAttributes));

    private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
    {
        private readonly ConnectionStage _stage;
        private readonly IActorRef _connection;
        private readonly ConnectionDeadlines _deadlines;
        private readonly ConnectionSettings _settings;
        private PhaseTimeout? _keepAlive;
        // The front request's next part, and parts of later (pipelined) requests waiting their turn:
        // a request has at most one part here at a time. The dictionary is made only if pipelining needs it.
        private (ResponseOut Part, IActorRef Sender)? _frontPart;
        private Dictionary<long, (ResponseOut Part, IActorRef Sender)>? _later;
        private StageActor? _self;
        private long _nextSeq;
        private long _frontSeq;
        private long _bodySeq = -1;
        private IBodyReceiver? _bodyReader;
        private bool _bodyWanted;
        private RequestRejectedException? _bodyFailure;
        private long _expectContinueSeq = -1;
        private bool _continueOwed;
        private bool _frontStarted;
        private bool _draining;
        private long _drained;
        private bool _readingStopped;
        private long _closeAfterSeq = -1;
        private bool _clientGone;
        private string _endReason = "closed";

        public Logic(ConnectionStage stage, IActorRef connection, ConnectionDeadlines deadlines)
            : base(stage.Shape)
        {
            _stage = stage;
            _connection = connection;
            _deadlines = deadlines;
            _settings = stage.Settings;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        private int InFlight => (int)(_nextSeq - _frontSeq);

        private IActorRef Self => _self!.Ref;

        public override void PreStart()
        {
            _self = GetStageActor(OnMessage);
            _keepAlive = new PhaseTimeout(_deadlines, _settings.KeepAliveTimeout, GetAsyncCallback(OnKeepAliveDeadline));
            _connection.Tell(StageStarted.Instance, Self);
            OnIdle();
            Pull(_stage.In);
        }

        public override void PostStop()
        {
            _keepAlive?.Remove();
            _connection.Tell(new ConnectionEnded(_clientGone, _endReason), _self?.Ref ?? ActorRefs.NoSender);
        }

        public void OnPush()
        {
            switch (Grab(_stage.In))
            {
                case RequestHead head:
                    OnHead(head);
                    break;
                case RequestBody body:
                    OnBody(body);
                    break;
            }
            PullIfWanted();
        }

        public void OnUpstreamFinish()
        {
            if (InFlight > 0)
            {
                // The client closed its side mid-request: it is gone, and so is the work for it.
                _clientGone = true;
                _endReason = "client closed the connection with requests in flight";
            }
            CompleteStage();
        }

        public void OnUpstreamFailure(Exception e)
        {
            if (e is not RequestRejectedException bad)
            {
                _clientGone = InFlight > 0;
                _endReason = e.Message;
                FailStage(e);
                return;
            }
            _readingStopped = true;
            if (_bodySeq >= 0 && !_draining)
            {
                // The body of a running request broke: it answers, then the connection closes.
                _bodyFailure = bad;
                _closeAfterSeq = _bodySeq;
                if (_bodyWanted)
                    _bodyReader!.OnBodyFailed(bad);
                return;
            }
            if (_draining)
            {
                _closeAfterSeq = _nextSeq - 1;
                if (InFlight == 0)
                    CompleteStage();
                return;
            }
            Reject(bad);
        }

        public void OnPull() => TryPush();

        public void OnDownstreamFinish(Exception cause)
        {
            _clientGone = InFlight > 0;
            CompleteStage();
        }

        private void OnKeepAliveDeadline()
        {
            if (!_keepAlive!.HasExpired())
                return;
            _endReason = "keep-alive timeout";
            CompleteStage();
        }

        private void OnHead(RequestHead head)
        {
            _keepAlive!.Stop();
            var seq = _nextSeq++;
            _connection.Tell(new RequestArrived(head, seq), Self);
            if (head.HasBody)
            {
                if (head.ExpectContinue)
                    _expectContinueSeq = seq;
                _bodySeq = seq;
                _bodyReader = null;
                _bodyWanted = false;
                _draining = false;
            }
            if (!head.KeepAlive)
                _readingStopped = true;
        }

        private void OnBody(RequestBody body)
        {
            if (_draining)
            {
                _drained += body.Data.Length;
                if (body.IsLast)
                {
                    EndBody();
                }
                else if (_drained > _settings.UnreadBodyDrainLimit)
                {
                    _endReason = "unread request body over the drain limit";
                    CompleteStage();
                }
                return;
            }
            _bodyWanted = false;
            _bodyReader!.OnBody(body);
            if (body.IsLast)
                EndBody();
        }

        private void EndBody()
        {
            _bodySeq = -1;
            _draining = false;
            _bodyReader = null;
            if (InFlight == 0)
                OnIdle();
        }

        private void OnMessage((IActorRef Sender, object Message) envelope)
        {
            switch (envelope.Message)
            {
                case ResponseOut part when part.Seq >= _frontSeq && part.Seq < _nextSeq:
                    Hold(part, envelope.Sender);
                    TryPush();
                    break;
                case ReadBody read when read.Seq == _bodySeq && !_draining:
                    _bodyReader = read.Receiver;
                    if (_bodyFailure is { } failure)
                    {
                        read.Receiver.OnBodyFailed(failure);
                        break;
                    }
                    if (read.Seq == _expectContinueSeq)
                    {
                        _expectContinueSeq = -1;
                        _continueOwed = true;
                        TryPush();
                    }
                    _bodyWanted = true;
                    PullIfWanted();
                    break;
                case ReadBody read when read.Seq < _nextSeq:
                    read.Receiver.OnBody(RequestBody.End);
                    break;
                case StopReading:
                    _readingStopped = true;
                    _endReason = "server stopping";
                    if (InFlight == 0)
                        CompleteStage();
                    break;
            }
        }

        private void TryPush()
        {
            if (!IsAvailable(_stage.Out))
                return;
            if (_continueOwed && _bodySeq == _frontSeq && !_frontStarted)
            {
                _continueOwed = false;
                Push(_stage.Out, new ResponseOut { Seq = _frontSeq, Context = ResponseContext.Unparsed, IsContinue = true });
                return;
            }
            (ResponseOut Part, IActorRef Sender) entry;
            if (_frontPart is { } front)
            {
                entry = front;
                _frontPart = null;
            }
            else if (_later is null || !_later.Remove(_frontSeq, out entry))
            {
                return;
            }
            var (part, sender) = entry;
            if (part.Seq == _expectContinueSeq)
            {
                // Answered without reading the body the client holds back: it may or may not send it.
                _expectContinueSeq = -1;
                if (!_settings.DrainUnreadExpectedBody && part.Head is not null)
                {
                    _closeAfterSeq = part.Seq;
                    part = part with { Context = part.Context with { KeepAlive = false } };
                }
            }
            _frontStarted = true;
            if (part.IsLast && (part.Seq == _closeAfterSeq || part.Seq == _bodySeq))
                part = part with { LingerOnClose = true };
            else if (part.IsFinal && InFlight > 1)
                part = part with { MoreFollow = true };
            Push(_stage.Out, part);
            if (!part.IsLast)
            {
                sender.Tell(new ResponseAccepted(part.Seq), Self);
                return;
            }

            _frontSeq++;
            _frontStarted = false;
            _continueOwed = false;
            if (part.IsAbort)
                return; // the renderer closes the connection
            if (part.Seq == _closeAfterSeq)
            {
                CompleteStage();
                return;
            }
            if (_bodySeq == part.Seq)
            {
                // Answered without reading all its body: read and drop the rest to reach the next request.
                _draining = true;
                _drained = 0;
            }
            if (InFlight == 0)
            {
                if (_readingStopped && _bodySeq < 0)
                {
                    CompleteStage();
                    return;
                }
                OnIdle();
            }
            PullIfWanted();
        }

        private void Hold(ResponseOut part, IActorRef sender)
        {
            if (part.Seq == _frontSeq)
            {
                // A later part of the same request (an abort after a data part) replaces one held before its turn.
                _later?.Remove(part.Seq);
                _frontPart = (part, sender);
            }
            else
                (_later ??= [])[part.Seq] = (part, sender);
        }

        private void OnIdle()
        {
            if (!_readingStopped)
                _keepAlive!.Start(Environment.TickCount64);
        }

        private void PullIfWanted()
        {
            if (HasBeenPulled(_stage.In) || IsClosed(_stage.In))
                return;
            if (_bodySeq >= 0)
            {
                if (_bodyWanted || _draining)
                    Pull(_stage.In);
                return;
            }
            if (!_readingStopped && InFlight < _settings.MaxPipelined)
                Pull(_stage.In);
        }

        /// <summary>Answers input that did not parse, after the responses before it, then closes.</summary>
        private void Reject(RequestRejectedException bad)
        {
            var seq = _nextSeq++;
            Hold(ErrorResponse.For(bad).ToResponseOut(seq, ResponseContext.Unparsed), ActorRefs.Nobody);
            _closeAfterSeq = seq;
            _endReason = $"rejected: {bad.Status} {bad.Message}";
            _connection.Tell(new RequestRejected(bad.Status, bad.Message), Self);
            TryPush();
        }
    }

    private ConnectionSettings Settings => settings;
}
