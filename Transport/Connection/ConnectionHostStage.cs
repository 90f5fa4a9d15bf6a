using Akka;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Resume.Transport.Connection;

/// <summary>
/// The stage that keeps a <see cref="ConnectionHost"/>'s interpreter running, materializes each
/// connection's graph into it (with its sub-fusing materializer), and ticks its timeout table. It emits nothing.
/// </summary>
internal sealed class ConnectionHostStage(ConnectionHost host) : GraphStage<SourceShape<NotUsed>>
{
    public Outlet<NotUsed> Out { get; } = new("ConnectionHost.out");

    public override SourceShape<NotUsed> Shape => new(Out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IOutHandler
    {
        private readonly ConnectionHostStage _stage;

        public Logic(ConnectionHostStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            ScheduleRepeatedly("timeouts", _stage.Host.Timeouts.Tick);
            _stage.Host.Started(GetAsyncCallback(() => _stage.Host.MaterializeWaiting(SubFusingMaterializer)));
        }

        protected override void OnTimer(object timerKey) => _stage.Host.Timeouts.Check(Environment.TickCount64);

        public override void PostStop() => _stage.Host.Stopped();

        public void OnPull()
        {
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();
    }

    private ConnectionHost Host => host;
}
