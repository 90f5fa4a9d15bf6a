using System.Collections;
using System.Globalization;

namespace Resume.Actors.Logging;

/// <summary>The scope of a line about one connection: <c>ConnectionId</c> (see <see cref="RequestScope"/>).</summary>
internal sealed class ConnectionScope(long connectionId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("ConnectionId", connectionId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ConnectionId:{connectionId}");
}
