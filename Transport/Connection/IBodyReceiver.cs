using Resume.Transport.Http;

namespace Resume.Transport.Connection;

/// <summary>
/// Takes request body pieces straight from the connection stage, on the stream's thread, so a body
/// read completes without passing through the reader's mailbox (a blocking app may be waiting on it
/// in that very actor). Implementations must be quick and must not block.
/// </summary>
public interface IBodyReceiver
{
    /// <summary>A piece of the body; the last one has <see cref="RequestBody.IsLast"/>.</summary>
    void OnBody(RequestBody part);

    /// <summary>The body broke HTTP/1.1 or a limit: the request should answer the rejection's status if it still can.</summary>
    void OnBodyFailed(RequestRejectedException rejection);
}
