using Resume.Apps;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// The client closed the connection before the request body ended: a read of the body fails as a
/// refused body does (the app may answer 400, which a half-closed client can still read), but the
/// request is counted and logged as aborted, since the client left rather than sent something wrong.
/// </summary>
internal sealed class ClientClosedMidBodyException(RequestRejectedException closed)
    : RequestBodyException(closed.Status, closed.Message);
