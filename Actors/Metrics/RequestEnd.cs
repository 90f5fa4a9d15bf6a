using Resume.Actors.Stats;
using Resume.Apps.Serving;

namespace Resume.Actors.Metrics;

/// <summary>
/// What the metrics record of a request that ended, read from its run: the status the client got
/// (null when it went away before an answer), its steps and body bytes, and why the server answered
/// in the app's place, if it did.
/// </summary>
public readonly record struct RequestEnd(int? StatusCode, long Steps, long BytesIn, long BytesOut, string? Rejection)
{
    /// <summary>
    /// From how the request ended: a completed response carries the app's status; an error end the
    /// server chose (<see cref="AppExecution.Ending"/>) carries its status unless the headers had gone
    /// out (then the app's status, cut short); a request aborted with no error end had no answer.
    /// </summary>
    public static RequestEnd Of(RequestOutcome outcome, AppExecution? app, long bytesIn, long bytesOut)
    {
        if (app is null)
            return new RequestEnd(null, 0, bytesIn, bytesOut, null);
        var ending = app.Ending;
        int? status = outcome == RequestOutcome.Completed ? app.Response.StatusCode
            : ending == default ? null
            : ending.Truncated ? app.Response.StatusCode
            : ending.Status;
        var rejection = ending == default || ending.Truncated ? null
            : outcome == RequestOutcome.TimedOut ? RejectionReasons.Timeout
            : ending.BodyError is not null ? RejectionReasons.RequestBody
            : outcome == RequestOutcome.Aborted && ending.Status == 503 ? RejectionReasons.DrainDeadline
            : null;
        return new RequestEnd(status, app.Steps, bytesIn, bytesOut, rejection);
    }
}
