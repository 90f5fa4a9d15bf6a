namespace Resume.Actors.Requests;

/// <summary>
/// How long a request pauses after a run of empty chunks: the first few resume right after the
/// messages queued meanwhile, then the delays double up to a maximum, so an app polling with empty
/// chunks costs a few dozen steps a second, not a spinning thread.
/// </summary>
internal struct EmptyChunkBackOff(RequestSettings settings)
{
    private int _run;

    /// <summary>Whether the last pause was a delay rather than an immediate resume.</summary>
    public readonly bool IsDelaying => _run > settings.ImmediateEmptyResumes;

    /// <summary>Anything other than an empty chunk ends the run.</summary>
    public void Reset() => _run = 0;

    /// <summary>One more empty chunk: the pause before the next step.</summary>
    public TimeSpan Next()
    {
        var delayed = ++_run - settings.ImmediateEmptyResumes;
        if (delayed <= 0)
            return TimeSpan.Zero;
        var ticks = settings.EmptyBackoffInitial.Ticks << Math.Min(delayed - 1, 20);
        return TimeSpan.FromTicks(Math.Min(ticks, settings.EmptyBackoffMax.Ticks));
    }
}
