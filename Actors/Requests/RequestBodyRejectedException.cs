namespace Resume.Actors.Requests;

/// <summary>A read of a request body that broke HTTP/1.1 or a limit; the client is answered <see cref="Status"/>.</summary>
public sealed class RequestBodyRejectedException(int status, string message) : IOException(message)
{
    public int Status { get; } = status;
}
