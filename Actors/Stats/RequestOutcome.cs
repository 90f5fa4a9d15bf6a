namespace Resume.Actors.Stats;

/// <summary>How a request ended, for the totals.</summary>
public enum RequestOutcome
{
    Completed,
    Failed,
    Aborted,
    TimedOut,
}
