namespace Resume.Transport.Http;

/// <summary>How a request body is delimited.</summary>
public enum BodyFraming
{
    None,
    ContentLength,
    Chunked,
}
