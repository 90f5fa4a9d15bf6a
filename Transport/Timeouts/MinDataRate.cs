namespace Resume.Transport.Timeouts;

/// <summary>
/// The slowest a client may send or read, as Kestrel's minimum data rates: <see cref="BytesPerSecond"/>,
/// enforced once <see cref="Grace"/> has passed. A client slower than that holds a connection, its
/// buffers and its request for nothing; a slowloris sends one byte at a time on purpose.
/// </summary>
/// <param name="BytesPerSecond">0: no minimum.</param>
public sealed record MinDataRate(long BytesPerSecond, TimeSpan Grace)
{
    public static readonly MinDataRate Off = new(0, TimeSpan.Zero);

    public bool IsOff => BytesPerSecond <= 0;

    /// <summary>How long <paramref name="bytes"/> may take at this rate, in milliseconds.</summary>
    public long MillisecondsFor(long bytes) => IsOff ? long.MaxValue / 4 : bytes * 1000 / BytesPerSecond;

    public long GraceMilliseconds => (long)Grace.TotalMilliseconds;
}
