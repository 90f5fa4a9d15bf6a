using System.Net.Sockets;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Resume.Transport.Sockets;

/// <summary>
/// Accepts one connection per pull from a bound, listening socket. Completes when the listener is
/// closed (unbind); on a passing error (out of file descriptors, say) it logs and retries shortly.
/// </summary>
public sealed class SocketAcceptSource(Socket listener) : GraphStage<SourceShape<Socket>>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    public Outlet<Socket> Out { get; } = new("SocketAcceptSource.out");

    public override SourceShape<Socket> Shape => new(Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IOutHandler
    {
        private readonly SocketAcceptSource _stage;
        private readonly SocketAsyncEventArgs _args = new();

        public Logic(SocketAcceptSource stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            var onCompleted = GetAsyncCallback<SocketAsyncEventArgs>(OnAccepted);
            _args.Completed += (_, args) => onCompleted(args);
        }

        public void OnPull() => Accept();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey) => Accept();

        private void Accept()
        {
            _args.AcceptSocket = null;
            bool async;
            try
            {
                async = _stage.Listener.AcceptAsync(_args);
            }
            catch (ObjectDisposedException)
            {
                CompleteStage();
                return;
            }
            if (!async)
                OnAccepted(_args);
        }

        private void OnAccepted(SocketAsyncEventArgs args)
        {
            switch (args.SocketError)
            {
                case SocketError.Success:
                    var socket = args.AcceptSocket!;
                    socket.NoDelay = true;
                    Push(_stage.Out, socket);
                    return;
                case SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotSocket or SocketError.InvalidArgument:
                    CompleteStage();
                    return;
                default:
                    Log.Warning("Accepting a connection failed ({0}); retrying in {1} ms.", args.SocketError, RetryDelay.TotalMilliseconds);
                    ScheduleOnce("retry", RetryDelay);
                    return;
            }
        }
    }

    private Socket Listener => listener;
}
