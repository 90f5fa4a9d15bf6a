namespace Resume.Transport.Http;

/// <summary>A request that breaks HTTP/1.1 or a limit; <see cref="Status"/> is what the client is told.</summary>
public sealed class RequestRejectedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static RequestRejectedException BadRequest(string message) => new(400, message);
}
