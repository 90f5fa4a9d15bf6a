namespace Resume.Transport.Http;

/// <summary>What the request parser emits: a <see cref="RequestHead"/>, then its body as <see cref="RequestBody"/> parts.</summary>
public abstract class RequestPart
{
}
