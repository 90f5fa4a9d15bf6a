using System.Collections;

namespace Resume.Actors.Logging;

/// <summary>
/// The scope of a line about one request: <c>RequestId</c> and <c>ConnectionId</c>, for formatters
/// that show scopes (the JSON console formatter, <c>IncludeScopes</c>) and providers that index them.
/// Made only when a line is logged: the connection id is the request id's prefix
/// (<c>CONNECTION-SEQ</c>), cut out only if a formatter asks for it.
/// </summary>
internal sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("ConnectionId", ConnectionId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    private string ConnectionId => requestId.IndexOf('-') is var dash and > 0 ? requestId[..dash] : requestId;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{requestId}";
}
