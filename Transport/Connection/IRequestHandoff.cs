using Akka.Actor;
using Resume.Transport.Http;

namespace Resume.Transport.Connection;

/// <summary>
/// How the connection stage gives a request straight to whoever will serve it, past the connection
/// actor: one actor message fewer per request on a connection whose earlier requests are done.
/// When it cannot, the stage tells the connection actor (<see cref="RequestArrived"/>) as always.
/// </summary>
public interface IRequestHandoff
{
    /// <summary>
    /// Gives the request (<paramref name="head"/>, number <paramref name="seq"/> on its connection,
    /// its responses to <paramref name="stage"/>) to a request actor that is free; false if none is,
    /// or if the request needs the connection actor. Called on the stage's thread.
    /// </summary>
    bool TryHandOff(RequestHead head, long seq, IActorRef stage);
}
