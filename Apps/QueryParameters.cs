using System.Net;

namespace Resume.Apps;

/// <summary>Parses <c>a=1&amp;b=two</c> into a dictionary; the last value of a repeated name wins.</summary>
public static class QueryParameters
{
    public static IReadOnlyDictionary<string, string> Parse(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            result[WebUtility.UrlDecode(name)] = WebUtility.UrlDecode(value);
        }
        return result;
    }

    /// <summary>An integer parameter, or <paramref name="fallback"/> when absent; a malformed one throws <see cref="FormatException"/>.</summary>
    public static long Int(this IReadOnlyDictionary<string, string> query, string name, long fallback) =>
        query.TryGetValue(name, out var text) ? long.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
