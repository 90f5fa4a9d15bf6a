namespace Resume.Transport.Http;

/// <summary>
/// Splits a request-target into path and query the way Python's <c>urlsplit</c> does (scheme,
/// "//authority", fragment dropped), so PATH_INFO matches what WSGI servers report.
/// </summary>
public static class RequestTarget
{
    public static (string Path, string Query) Split(string target)
    {
        var url = target.AsSpan();
        var colon = url.IndexOf(':');
        if (colon > 0 && char.IsAsciiLetter(url[0]) && IsScheme(url[..colon]))
            url = url[(colon + 1)..];
        if (url.StartsWith("//"))
        {
            var rest = url[2..];
            var delimiter = rest.IndexOfAny("/?#");
            url = delimiter < 0 ? [] : rest[delimiter..];
        }
        var hash = url.IndexOf('#');
        if (hash >= 0)
            url = url[..hash];
        var question = url.IndexOf('?');
        if (question >= 0)
            return (url[..question].ToString(), url[(question + 1)..].ToString());
        // An origin-form target with no query is its own path.
        return (url.Length == target.Length ? target : url.ToString(), "");
    }

    /// <summary>Decodes %XX escapes to bytes and the bytes to Latin-1, as PEP 3333 wants PATH_INFO.</summary>
    public static string PercentDecode(string path)
    {
        if (!path.Contains('%'))
            return path;
        var bytes = new byte[path.Length];
        var length = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                bytes[length++] = (byte)Convert.ToInt32(path.Substring(i + 1, 2), 16);
                i += 2;
            }
            else
            {
                bytes[length++] = (byte)path[i];
            }
        }
        return System.Text.Encoding.Latin1.GetString(bytes, 0, length);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        foreach (var c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                return false;
        }
        return true;
    }
}
