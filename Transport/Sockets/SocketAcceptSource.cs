using System.Diagnostics;
using System.Net.Sockets;
using Akka.Streams;
using Akka.Streams.Stage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Resume.Transport.Sockets;

/// <summary>
/// Accepts one connection per pull from a bound, listening socket. Completes when the listener is
/// closed (unbind). When accepting fails for want of resources — out of file descriptors (EMFILE,
/// ENFILE) or of memory (ENOBUFS, ENOMEM) — it pauses, for <paramref name="initialBackoff"/> and then
/// twice as long each time up to <paramref name="maxBackoff"/>, and tries again: the connection waits
/// in the kernel's backlog meanwhile, and is accepted once a descriptor is free. A run of failures is
/// logged once as it begins and once as it ends, never per attempt. Out of descriptors, it gives the
/// process a <see cref="DescriptorReserve"/> back, and accepts again only once it could take it anew.
/// Those two lines go to <paramref name="log"/> (the server's, category Resume.Server).
/// </summary>
public sealed partial class SocketAcceptSource(Socket listener, TimeSpan initialBackoff, TimeSpan maxBackoff, ILogger? log = null) : GraphStage<SourceShape<Socket>>
{
    // Room for the runtime to start threads and load assemblies while connections hold every other
    // descriptor (DescriptorReserve); each loaded assembly keeps one or two open.
    private const int ReservedForRuntime = 32;

    public Outlet<Socket> Out { get; } = new("SocketAcceptSource.out");

    public override SourceShape<Socket> Shape => new(Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IOutHandler
    {
        private readonly SocketAcceptSource _stage;
        private readonly SocketAsyncEventArgs _args = new();
        private readonly DescriptorReserve _reserve = new(ReservedForRuntime);
        // The run of failed accepts under way: when it began, how many, the wait before the next try.
        private long _pausedSince;
        private int _failures;
        private TimeSpan _backoff;

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
            _reserve.TryTake();
        }

        // The args are left to the finalizer, as before: an accept may still be pending on them.
        public override void PostStop() => _reserve.Dispose();

        public void OnPull() => Accept();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey)
        {
            if (_reserve.TryTake())
                Accept();
            else
                Paused(SocketError.TooManyOpenSockets);
        }

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
                    if (_failures > 0)
                        Resumed();
                    var socket = args.AcceptSocket!;
                    socket.NoDelay = true;
                    Push(_stage.Out, socket);
                    return;
                case SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotSocket or SocketError.InvalidArgument:
                    CompleteStage();
                    return;
                case SocketError.ConnectionAborted or SocketError.ConnectionReset:
                    // That client left before it was accepted (ECONNABORTED); the next one may be there.
                    ScheduleOnce("retry", TimeSpan.Zero);
                    return;
                default:
                    Paused(args.SocketError);
                    return;
            }
        }

        private void Paused(SocketError error)
        {
            if (error == SocketError.TooManyOpenSockets)
                _reserve.Release();
            if (_failures++ == 0)
            {
                _pausedSince = Stopwatch.GetTimestamp();
                _backoff = _stage.InitialBackoff;
                AcceptingPaused(_stage.Log, Describe(error), error, _backoff.TotalMilliseconds, _stage.MaxBackoff.TotalMilliseconds);
            }
            else
            {
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _stage.MaxBackoff.Ticks));
            }
            ScheduleOnce("retry", _backoff);
        }

        private void Resumed()
        {
            AcceptingAgain(_stage.Log, Stopwatch.GetElapsedTime(_pausedSince).TotalMilliseconds, _failures);
            _failures = 0;
        }

        private static string Describe(SocketError error) => error switch
        {
            SocketError.TooManyOpenSockets => "out of file descriptors (EMFILE/ENFILE)",
            SocketError.NoBufferSpaceAvailable => "out of memory for sockets (ENOBUFS/ENOMEM)",
            _ => "the listener failed",
        };
    }

    private Socket Listener => listener;

    private ILogger Log { get; } = log ?? NullLogger.Instance;

    private TimeSpan InitialBackoff => initialBackoff;

    private TimeSpan MaxBackoff => maxBackoff;

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Accepting paused: {Reason} ({SocketError}). Retrying after {BackoffMs} ms, then up to every {MaxBackoffMs} ms, until it works again.")]
    private static partial void AcceptingPaused(ILogger log, string reason, SocketError socketError, double backoffMs, double maxBackoffMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Accepting again after {PausedMs:F0} ms paused ({Failures} failed attempts).")]
    private static partial void AcceptingAgain(ILogger log, double pausedMs, int failures);
}
