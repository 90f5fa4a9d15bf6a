namespace Resume.Apps;

/// <summary>
/// The request body cannot be read as the app asked: the client sent a malformed body, or more than a
/// limit allows. If the app lets it escape before headers are sent, the server answers with
/// <see cref="StatusCode"/> (400, 413, ...) rather than 500, and the connection closes.
/// </summary>
public class RequestBodyException(int statusCode, string message) : IOException(message)
{
    /// <summary>The status the server answers with when the app lets this escape.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The first <see cref="RequestBodyException"/> in <paramref name="error"/> or its inner exceptions.</summary>
    public static RequestBodyException? FindIn(Exception error) => error switch
    {
        RequestBodyException found => found,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindIn).FirstOrDefault(found => found is not null),
        _ when error.InnerException is not null => FindIn(error.InnerException),
        _ => null,
    };
}
