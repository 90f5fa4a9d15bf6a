using System.Text;

namespace Resume.Transport.Http;

/// <summary>
/// The strings of a connection's last request head, handed out again when the next head has the
/// same bytes in the same place: a client sends the same target, header names and values request
/// after request (a pipelining client, a browser's dozen headers), and each would otherwise be a new
/// string. Only the last head's strings are kept, so what a connection holds stays within the limits
/// on a head's size. One per connection; not thread-safe.
/// </summary>
public sealed class HeadStrings
{
    // The methods nearly every request has, never decoded.
    private static readonly string[] KnownMethods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];

    private string? _target;
    private string _path = "";
    private string _query = "";
    private string[] _names = [];
    private string[] _values = [];

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

    /// <summary>The request-target as Latin-1: the last one's string when the bytes are the same.</summary>
    public string Target(ReadOnlySpan<byte> target)
    {
        if (_target is not null && Ascii.Equals(target, _target))
            return _target;
        _target = Encoding.Latin1.GetString(target);
        (_path, _query) = RequestTarget.Split(_target);
        return _target;
    }

    /// <summary>The path and query of <paramref name="target"/>, split once per distinct target.</summary>
    public (string Path, string Query) Split(string target) =>
        ReferenceEquals(target, _target) ? (_path, _query) : RequestTarget.Split(target);

    /// <summary>The name of the head's field line <paramref name="index"/>, as ASCII.</summary>
    public string Name(int index, ReadOnlySpan<byte> name) => Reuse(ref _names, index, name);

    /// <summary>The value of the head's field line <paramref name="index"/>, as Latin-1.</summary>
    public string Value(int index, ReadOnlySpan<byte> value) => Reuse(ref _values, index, value);

    private static string Reuse(ref string[] last, int index, ReadOnlySpan<byte> bytes)
    {
        if (index < last.Length && last[index] is { } known && Ascii.Equals(bytes, known))
            return known;
        // Names are tokens (ASCII); Latin-1 decodes those the same.
        var text = Encoding.Latin1.GetString(bytes);
        if (index >= last.Length)
            Array.Resize(ref last, Math.Max(8, index * 2));
        last[index] = text;
        return text;
    }
}
