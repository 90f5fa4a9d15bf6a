namespace Resume.Actors.Cluster;

/// <summary>How many jobs run on this node now.</summary>
public sealed class NodeLoad
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    public void Started() => Interlocked.Increment(ref _running);

    public void Ended() => Interlocked.Decrement(ref _running);
}
