namespace Resume.Transport.Http;

/// <summary>
/// A request that breaks HTTP/1.1 or a limit: its <see cref="Reason"/>, and from it the
/// <see cref="Status"/> the client is told and the message (<see cref="RequestRejections"/>). An
/// <see cref="IOException"/>, as a failed read of the request body is for an app.
/// </summary>
public sealed class RequestRejectedException(RequestRejectionReason reason, object? detail = null)
    : IOException(RequestRejections.Message(reason, detail))
{
    public RequestRejectionReason Reason { get; } = reason;

    public int Status { get; } = RequestRejections.Status(reason);
}
