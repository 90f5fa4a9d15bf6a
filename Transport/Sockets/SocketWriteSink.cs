using System.Net.Sockets;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Streams;
using Akka.Streams.Stage;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Sockets;

/// <summary>
/// Writes to a connected socket with one send in flight. While a send is in flight it keeps
/// accepting elements until <c>highWaterMark</c> bytes wait, then stops pulling (backpressure);
/// what waits goes out in one gather write. Bytes marked <see cref="OutgoingBytes.MoreFollow"/>
/// (a response with later pipelined ones on their way) wait for a flush the stage posts to its
/// dispatcher, which reaches it only after the messages already queued for this stream (an async
/// callback invoked from inside the stream would run at once): the responses queued meanwhile go
/// out in the same send. Owns closing the socket: after the last byte is handed to the kernel, and
/// never before (it outlives its upstream until then), gracefully through <see cref="SocketCloser"/>;
/// with a reset only for a response cut short that its framing cannot show, or when upstream fails.
/// When it stops it tells the socket's owner (<see cref="SocketClosed"/>), which may wait for that
/// before it lets the connection go (a server draining, say). A client that reads slower than the
/// minimum response rate (<see cref="SendDeadline"/>) is reset, and the stage fails with
/// <see cref="SlowReaderException"/>: what it would have read stays bounded by the high-water mark.
/// On an HTTPS connection (<see cref="SocketAttribute.Tls"/>) the same holds with each send written
/// through TLS, and a graceful close sends close_notify first.
/// </summary>
public sealed class SocketWriteSink(long highWaterMark, TimeSpan linger, MinDataRate minRate) : GraphStage<SinkShape<OutgoingBytes>>
{
    public Inlet<OutgoingBytes> In { get; } = new("SocketWriteSink.in");

    public override SinkShape<OutgoingBytes> Shape => new(In);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, SocketAttribute.Get(inheritedAttributes), inheritedAttributes.GetAttribute<TimeoutsAttribute>()?.Timeouts);

    private sealed class Logic : PerConnectionLogic, IInHandler
    {
        private readonly SocketWriteSink _stage;
        private readonly Socket _socket;
        private readonly TlsConnection? _tls;
        private Action<Exception?>? _onTlsSent;
        private IActorRef? _owner;
        private readonly SocketAsyncEventArgs _args = new();
        private readonly List<OutgoingBytes> _inFlight = new(4);
        private readonly List<OutgoingBytes> _waiting = new(4);
        private readonly List<ArraySegment<byte>> _segments = new(8);
        private long _waitingBytes;
        private bool _sending;
        private bool _flushScheduled;
        private Action? _flushFromOutside;
        private MessageDispatcher? _dispatcher;
        private bool _finishing;
        private bool _closed;
        private bool _resetAfter;
        private bool _clientFinished;
        private readonly TimeoutTable? _timeouts;
        private SendDeadline? _sendDeadline;

        public Logic(SocketWriteSink stage, SocketAttribute socket, TimeoutTable? timeouts)
            : base(inCount: 1, outCount: 0)
        {
            _stage = stage;
            _timeouts = timeouts;
            _socket = socket.Socket;
            _tls = socket.Tls;
            _owner = socket.Owner;
            SetHandler(stage.In, this);
        }

        public override void PreStart()
        {
            // Upstream finishes as soon as it has handed over the last bytes; stopping then would close
            // the socket under a send still in flight (with a reset, losing what was queued). This stage
            // completes itself once the bytes are out.
            SetKeepGoing(true);
            var onCompleted = GetAsyncCallback<SocketAsyncEventArgs>(OnSent);
            _args.Completed += (_, args) => onCompleted(args);
            if (_tls is not null)
                _onTlsSent = GetAsyncCallback<Exception?>(OnTlsSent);
            _dispatcher = Materializer.ExecutionContext;
            _sendDeadline = new SendDeadline(_stage.MinRate, _timeouts, () => GetAsyncCallback(OnSendDeadline));
            Pull(_stage.In);
        }

        public void OnPush()
        {
            var bytes = Grab(_stage.In);
            _waiting.Add(bytes);
            _waitingBytes += bytes.Length;
            if (bytes.CloseAfter)
            {
                _finishing = true;
                _clientFinished = bytes.ClientFinished;
            }
            _resetAfter |= bytes.ResetAfter;
            if (!_sending)
            {
                if (bytes.MoreFollow && !_finishing)
                    FlushSoon();
                else
                    SendWaiting();
            }
            PullIfRoom();
        }

        public void OnUpstreamFinish()
        {
            _finishing = true;
            if (_sending)
                return;
            if (_waiting.Count > 0)
                SendWaiting();
            else
                Close();
        }

        public void OnUpstreamFailure(Exception e)
        {
            CloseNow();
            FailStage(e);
        }

        public override void PostStop()
        {
            _sendDeadline?.Remove();
            if (!_closed)
                CloseNow();
            if (!_sending)
            {
                ReturnAll(_inFlight);
                _args.Dispose();
            }
            ReturnAll(_waiting);
            _owner?.Tell(SocketClosed.Instance);
        }

        private void FlushSoon()
        {
            if (_flushScheduled)
                return;
            _flushScheduled = true;
            // Made on the first response that waits for a flush: most connections never pipeline.
            _flushFromOutside ??= GetAsyncCallback(OnFlush);
            _dispatcher!.Schedule(_flushFromOutside);
        }

        private void OnFlush()
        {
            _flushScheduled = false;
            if (!_sending && _waiting.Count > 0)
                SendWaiting();
        }

        private void PullIfRoom()
        {
            if (!_finishing && _waitingBytes < _stage.HighWaterMark && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
                Pull(_stage.In);
        }

        private void SendWaiting()
        {
            _inFlight.AddRange(_waiting);
            _waiting.Clear();
            _waitingBytes = 0;
            _segments.Clear();
            long length = 0;
            foreach (var bytes in _inFlight)
            {
                bytes.CopySegmentsTo(_segments);
                length += bytes.Length;
            }
            if (_segments.Count == 0)
            {
                ReturnAll(_inFlight);
                AfterSend();
                return;
            }
            _sendDeadline!.Begin(Environment.TickCount64, length);
            Send();
        }

        private void Send()
        {
            if (_tls is not null)
            {
                SendTls();
                return;
            }
            _sending = true;
            _args.BufferList = _segments;
            bool async;
            try
            {
                async = _socket.SendAsync(_args);
            }
            catch (ObjectDisposedException e)
            {
                _sending = false;
                FailStage(e);
                return;
            }
            if (async)
                _sendDeadline!.Waiting();
            else
                OnSent(_args);
        }

        private void OnSent(SocketAsyncEventArgs args)
        {
            _sending = false;
            _sendDeadline!.Done();
            if (args.SocketError != SocketError.Success)
            {
                CloseNow();
                FailStage(new SocketException((int)args.SocketError));
                return;
            }
            if (SkipSent(args.BytesTransferred))
            {
                Send();
                return;
            }
            ReturnAll(_inFlight);
            AfterSend();
        }

        private void SendTls()
        {
            _sending = true;
            Task write;
            try
            {
                write = _tls!.WriteAsync(_segments);
            }
            catch (Exception e)
            {
                OnTlsSent(e);
                return;
            }
            if (write.IsCompleted)
            {
                OnTlsSent(write.Exception?.InnerException);
                return;
            }
            _sendDeadline!.Waiting();
            var onSent = _onTlsSent!;
            write.ContinueWith(static (done, state) => ((Action<Exception?>)state!)(done.Exception?.InnerException), onSent, TaskScheduler.Default);
        }

        private void OnTlsSent(Exception? error)
        {
            _sending = false;
            _sendDeadline!.Done();
            if (error is not null)
            {
                CloseNow();
                FailStage(error);
                return;
            }
            // A TLS write takes every byte or fails: there is no partial send to go on with.
            ReturnAll(_inFlight);
            AfterSend();
        }

        private void OnSendDeadline()
        {
            if (!_sending || _closed || !_sendDeadline!.IsLate(Environment.TickCount64))
                return;
            CloseNow();
            FailStage(new SlowReaderException(_stage.MinRate.BytesPerSecond));
        }

        private void AfterSend()
        {
            if (_waiting.Count > 0)
                SendWaiting();
            else if (_finishing)
                Close();
            PullIfRoom();
        }

        /// <summary>Drops what a partial send wrote from the segment list; true when some is left.</summary>
        private bool SkipSent(int sent)
        {
            var index = 0;
            while (index < _segments.Count && sent >= _segments[index].Count)
                sent -= _segments[index++].Count;
            if (index == _segments.Count)
                return false;
            _segments.RemoveRange(0, index);
            _segments[0] = _segments[0].Slice(sent);
            return true;
        }

        private void Close()
        {
            if (_closed)
                return;
            _closed = true;
            if (_resetAfter)
            {
                Reset();
            }
            else
            {
                // The owner hears of the close only when the socket is gone: a lingering socket still
                // holds a descriptor, so it must count against max-connections until then.
                var owner = _owner;
                _owner = null;
                Action? closed = owner is null ? null : () => owner.Tell(SocketClosed.Instance);
                if (_tls is null)
                    SocketCloser.CloseGracefully(_socket, _stage.Linger, _clientFinished, closed);
                else
                    _ = _tls.CloseGracefullyAsync(_socket, _stage.Linger, _clientFinished, closed);
            }
            CompleteStage();
        }

        private void CloseNow()
        {
            if (_closed)
                return;
            _closed = true;
            Reset();
        }

        private void Reset()
        {
            if (_tls is null)
                SocketCloser.Reset(_socket);
            else
                _tls.Reset(_socket);
        }

        private static void ReturnAll(List<OutgoingBytes> batches)
        {
            foreach (var bytes in batches)
                bytes.ReturnRented();
            batches.Clear();
        }
    }

    private long HighWaterMark => highWaterMark;

    private TimeSpan Linger => linger;

    private MinDataRate MinRate => minRate;
}
