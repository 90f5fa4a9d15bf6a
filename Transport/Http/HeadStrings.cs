using System.Text;

namespace Resume.Transport.Http;

/// <summary>
/// The strings of a request head, taken from the connection's previous head where the bytes are the
/// same in the same place: a client sends the same target, header names and values request after
/// request (a pipelining client, a browser's dozen headers), and each would otherwise be a new string.
/// Nothing is kept for this but the previous head, which its request held anyway.
/// </summary>
public static class HeadStrings
{
    // The methods nearly every request has, never decoded.
    private static readonly string[] KnownMethods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];

    /// <summary>The method's name: a known one without decoding.</summary>
    public static string Method(ReadOnlySpan<byte> method)
    {
        foreach (var known in KnownMethods)
        {
            if (Ascii.Equals(method, known))
                return known;
        }
        return Encoding.ASCII.GetString(method);
    }

    /// <summary>The request-target as Latin-1: the previous head's string when the bytes are the same.</summary>
    public static string Target(ReadOnlySpan<byte> target, RequestHead? previous) =>
        previous is not null && Ascii.Equals(target, previous.Target) ? previous.Target : Encoding.Latin1.GetString(target);

    /// <summary>The path and query of <paramref name="target"/>: the previous head's when it is the same target.</summary>
    public static (string Path, string Query) Split(string target, RequestHead? previous) =>
        previous is not null && ReferenceEquals(target, previous.Target) ? (previous.Path, previous.Query) : RequestTarget.Split(target);

    /// <summary>The name of header <paramref name="index"/>, as ASCII (names are tokens).</summary>
    public static string Name(int index, ReadOnlySpan<byte> name, KeyValuePair<string, string>[]? previous) =>
        previous is not null && index < previous.Length && Ascii.Equals(name, previous[index].Key) ? previous[index].Key : Encoding.ASCII.GetString(name);

    /// <summary>The value of header <paramref name="index"/>, as Latin-1.</summary>
    public static string Value(int index, ReadOnlySpan<byte> value, KeyValuePair<string, string>[]? previous) =>
        previous is not null && index < previous.Length && Ascii.Equals(value, previous[index].Value) ? previous[index].Value : Encoding.Latin1.GetString(value);
}
