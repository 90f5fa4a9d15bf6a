using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using Resume.Transport.Http;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// Where a connection's stream meets its actors. Request heads go to the connection actor; body
/// pieces go to the request that asks for them (<see cref="RequestBodyGate"/>, with
/// <see cref="ExpectContinueGate"/> for <c>Expect: 100-continue</c>); response pieces from requests
/// leave in request order, at most <see cref="ConnectionSettings.MaxPipelined"/> requests in flight
/// (<see cref="ResponseOrder"/>), and each is acknowledged only once downstream took it, which is the
/// backpressure that pauses an app for a slow client. An idle connection closes after the keep-alive
/// timeout (a <see cref="PhaseTimeout"/>). Input that does not parse is answered here
/// (<see cref="ErrorResponse"/>) after the responses before it, and the connection closes. A client
/// that half-closes gets the responses to the requests it sent, then the connection closes
/// (<see cref="ConnectionSettings.AbortOnClientFin"/> makes its FIN a disconnect instead).
/// Each concern keeps its own state in its own class; this stage only routes between them. They are
/// not stages of their own because requests address one stage (its <see cref="StageInbox"/>) for
/// both their responses and their body reads, and a stage boundary per concern would add events per
/// request on the hot path.
/// </summary>
public sealed class ConnectionStage(ConnectionSettings settings) : GraphStage<FlowShape<RequestPart, ResponseOut>>
{
    public Inlet<RequestPart> In { get; } = new("ConnectionStage.in");

    public Outlet<ResponseOut> Out { get; } = new("ConnectionStage.out");

    public override FlowShape<RequestPart, ResponseOut> Shape => new(In, Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, ConnectionAttribute.From(inheritedAttributes), TimeoutsAttribute.From(inheritedAttributes));

    private sealed class Logic : PerConnectionLogic, IInHandler, IOutHandler
    {
        private readonly ConnectionStage _stage;
        private readonly ConnectionSettings _settings;
        private readonly IActorRef _connection;
        private readonly IRequestHandoff? _handoff;
        private readonly TimeoutTable _timeouts;
        private readonly ResponseOrder _order;
        private readonly RequestBodyGate _body;
        private readonly ExpectContinueGate _continue = new();
        private PhaseTimeout? _keepAlive;
        private RequestBodyRate? _bodyRate;
        private StageInbox? _inbox;

        // How the connection ends: no more requests are read once one asks to close, the server
        // stops or input is refused; it closes after the response to _closeAfterSeq.
        private bool _readingStopped;
        // Retire came while no request was in flight: the next one admitted is this connection's last.
        private bool _retiring;
        private long _closeAfterSeq = -1;
        private bool _clientGone;
        // The client said it sends nothing more: its last request asked to close, or it half-closed.
        private bool _clientDoneSending;
        private string _endReason = "closed";

        public Logic(ConnectionStage stage, ConnectionAttribute connection, TimeoutTable timeouts)
            : base(inCount: 1, outCount: 1)
        {
            _stage = stage;
            _settings = stage.Settings;
            _connection = connection.Connection;
            _handoff = connection.Handoff;
            _timeouts = timeouts;
            _order = new ResponseOrder(_settings.MaxPipelined);
            _body = new RequestBodyGate(_settings.UnreadBodyDrainLimit);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        private IActorRef Self => _inbox!;

        public override void PreStart()
        {
            _inbox = new StageInbox(((ActorMaterializer)Materializer).System, GetAsyncCallback(OnInbox));
            _keepAlive = new PhaseTimeout(_timeouts, TimeoutReason.KeepAlive, _settings.KeepAliveTimeout, () => Self.Tell(KeepAliveDeadlinePassed.Instance));
            _bodyRate = new RequestBodyRate(_settings.MinRequestBodyRate, _timeouts, () => GetAsyncCallback(OnBodyRateCheck));
            _connection.Tell(StageStarted.Instance, Self);
            OnIdle();
            Pull(_stage.In);
        }

        public override void PostStop()
        {
            _keepAlive?.Remove();
            _bodyRate?.Remove();
            _inbox?.Close();
            _connection.Tell(new ConnectionEnded(_clientGone, _endReason), _inbox ?? ActorRefs.NoSender);
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
            // The client will send no more. The parser finishes cleanly only between requests, so every
            // request in flight arrived whole: answer them, then close (a half-close). A client that
            // closed entirely makes a write fail, which ends the connection as gone.
            if (_order.InFlight == 0)
            {
                CompleteStage();
                return;
            }
            if (_settings.AbortOnClientFin)
            {
                _clientGone = true;
                _endReason = "client closed its side with requests in flight";
                CompleteStage();
                return;
            }
            _readingStopped = true;
            _clientDoneSending = true;
            _endReason = "client half-closed";
        }

        public void OnUpstreamFailure(Exception e)
        {
            if (e is not RequestRejectedException rejection)
            {
                _clientGone = _order.InFlight > 0;
                _endReason = e.Message;
                FailStage(e);
                return;
            }
            if (!FailBody(rejection))
                Reject(rejection);
        }

        /// <summary>
        /// The body being read broke a rule or came too slowly: its request is told (it answers, then the
        /// connection closes), or, if it was being dropped, the connection closes. False if no body was open.
        /// </summary>
        private bool FailBody(RequestRejectedException rejection)
        {
            _readingStopped = true;
            if (_body.Fail(rejection))
            {
                _closeAfterSeq = _body.Seq;
                return true;
            }
            if (!_body.Draining)
                return false;
            _closeAfterSeq = _order.Next - 1;
            if (_order.InFlight == 0)
                CompleteStage();
            return true;
        }

        private void OnBodyRateCheck()
        {
            if (!_body.IsOpen || !_bodyRate!.FellBehind(Environment.TickCount64))
                return;
            var rejection = new RequestRejectedException(RequestRejectionReason.BodyTooSlow, _settings.MinRequestBodyRate.BytesPerSecond);
            _endReason = rejection.Message;
            _bodyRate.Reset();
            FailBody(rejection);
        }

        public void OnPull() => TryPush();

        public void OnDownstreamFinish(Exception cause)
        {
            _clientGone = _order.InFlight > 0;
            CompleteStage();
        }

        /// <summary>The table's tick says so through the inbox, which saves the connection an async callback of its own.</summary>
        private sealed class KeepAliveDeadlinePassed
        {
            public static readonly KeepAliveDeadlinePassed Instance = new();
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
            var seq = _order.Admit();
            if (_handoff?.TryHandOff(head, seq, Self) != true)
                _connection.Tell(new RequestArrived(head, seq), Self);
            if (head.HasBody)
            {
                if (head.ExpectContinue)
                    _continue.Expect(seq);
                _body.Open(seq);
                _bodyRate!.Reset();
            }
            if (!head.KeepAlive)
            {
                _readingStopped = true;
                _clientDoneSending = true;
            }
            else if (_retiring)
            {
                _closeAfterSeq = seq;
                _readingStopped = true;
            }
        }

        private void OnBody(RequestBody body)
        {
            _bodyRate!.Arrived(Environment.TickCount64, body.Data.Length);
            switch (_body.Accept(body))
            {
                case RequestBodyGate.Progress.Ended when _order.InFlight == 0:
                    OnIdle();
                    break;
                case RequestBodyGate.Progress.OverDrainLimit:
                    _endReason = "unread request body over the drain limit";
                    CompleteStage();
                    break;
            }
        }

        private void OnInbox()
        {
            while (_inbox!.TryTake(out var sender, out var message))
            {
                OnMessage(sender, message);
                if (IsClosed(_stage.Out))
                    return; // completed by that message: what follows would have gone to a stopped stage
            }
        }

        private void OnMessage(IActorRef sender, object message)
        {
            switch (message)
            {
                case ResponseOut part when _order.IsInFlight(part.Seq):
                    _order.Hold(part, sender);
                    TryPush();
                    break;
                case ReadBody read:
                    OnRead(read);
                    break;
                case Retire:
                    OnRetire();
                    break;
                case KeepAliveDeadlinePassed:
                    OnKeepAliveDeadline();
                    break;
                case StopReading:
                    _readingStopped = true;
                    _endReason = "server stopping";
                    if (_order.InFlight == 0)
                        CompleteStage();
                    break;
            }
        }

        private void OnRetire()
        {
            if (_closeAfterSeq >= 0 || _readingStopped)
                return; // closing after some response already
            if (_order.InFlight == 0)
            {
                _retiring = true;
                return;
            }
            _closeAfterSeq = _order.Next - 1;
            _readingStopped = true;
        }

        private void OnRead(ReadBody read)
        {
            switch (_body.Ask(read.Seq, read.Receiver))
            {
                case RequestBodyGate.AskResult.Wanted:
                    if (_continue.OnRead(read.Seq))
                        TryPush();
                    PullIfWanted();
                    break;
                case RequestBodyGate.AskResult.NotThisBody when read.Seq < _order.Next:
                    read.Receiver.OnBody(RequestBody.End);
                    break;
            }
        }

        private void TryPush()
        {
            if (!IsAvailable(_stage.Out))
                return;
            if (_continue.TryTakeOwed(_body.Seq == _order.Front && !_order.FrontStarted))
            {
                Push(_stage.Out, new ResponseOut { Seq = _order.Front, Context = ResponseContext.Unparsed, IsContinue = true });
                return;
            }
            if (!_order.TryTakeFront(out var part, out var sender))
                return;
            if (_continue.AnsweredUnread(part.Seq) && !_settings.DrainUnreadExpectedBody && part.Head is not null)
            {
                // Answered without reading the body the client holds back: it may or may not send it.
                _closeAfterSeq = part.Seq;
                part = part with { Context = part.Context with { KeepAlive = false } };
            }
            if (part.Seq == _closeAfterSeq && part.Head is not null && part.Context.KeepAlive)
            {
                // The connection closes after this response (its body broke a rule or came too slowly): say so.
                part = part with { Context = part.Context with { KeepAlive = false } };
            }
            // Set on the part itself, not a copy: it is this stage's from the moment it arrived.
            if (part.IsFinal && _order.InFlight > 1 && part.Seq != _closeAfterSeq)
                part.MoreFollow = true;
            else if (part.IsLast && _clientDoneSending && _order.InFlight == 1 && !_body.IsOpen)
                part.ClientFinished = true;
            Push(_stage.Out, part);
            _order.Sent(part);
            if (!part.IsLast)
            {
                sender.Tell(new ResponseAccepted(part.Seq), Self);
                return;
            }

            _continue.ResponseEnded();
            if (part.IsAbort)
                return; // the renderer closes the connection
            if (part.Seq == _closeAfterSeq)
            {
                CompleteStage();
                return;
            }
            // Answered without reading all its body: read and drop the rest to reach the next request.
            _body.StartDraining(part.Seq);
            if (_order.InFlight == 0)
            {
                if (_readingStopped && !_body.IsOpen)
                {
                    CompleteStage();
                    return;
                }
                OnIdle();
            }
            PullIfWanted();
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
            if (_body.IsOpen)
            {
                if (_body.WantsInput)
                {
                    Pull(_stage.In);
                    _bodyRate!.StartWaiting(Environment.TickCount64);
                }
                return;
            }
            if (!_readingStopped && _order.HasRoom)
                Pull(_stage.In);
        }

        /// <summary>Answers input that did not parse, after the responses before it, then closes.</summary>
        private void Reject(RequestRejectedException rejection)
        {
            var seq = _order.Admit();
            _order.Hold(ErrorResponse.For(rejection).ToResponseOut(seq, ResponseContext.Unparsed), ActorRefs.Nobody);
            _closeAfterSeq = seq;
            _endReason = $"rejected: {rejection.Status} {rejection.Message}";
            _connection.Tell(new RequestRejected(rejection.Status, rejection.Message, rejection.Reason), Self);
            TryPush();
        }
    }

    private ConnectionSettings Settings => settings;
}
