namespace Resume.Http;

/// <summary>
/// The character rules of HTTP (RFC 9110/9112, and RFC 3986 for authorities), written once. This
/// file is compiled into both Apps (which checks what apps send) and Transport (which checks what
/// clients send), linked from Transport.csproj, because neither assembly may reference the other.
/// </summary>
internal static class HttpSyntax
{
    private static readonly bool[] TokenTable = Table(c =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static readonly bool[] RegNameTable = Table(c =>
        char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=%".Contains(c));

    /// <summary>tchar: the characters of a token (field names, methods, transfer codings).</summary>
    public static bool IsToken(byte b) => TokenTable[b];

    /// <summary>A token of one or more tchar, as text (a header name from an app).</summary>
    public static bool IsToken(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return false;
        foreach (var c in text)
        {
            if (c >= 128 || !TokenTable[c])
                return false;
        }
        return true;
    }

    /// <summary>field-vchar, SP and HTAB; obs-text (0x80-0xFF) is allowed, every other control is not.</summary>
    public static bool IsFieldValue(byte b) => b == '\t' || (b >= 0x20 && b != 0x7F);

    /// <summary>Text whose every character is a field-value byte (Latin-1 only: nothing past 0xFF).</summary>
    public static bool IsFieldValue(string text)
    {
        foreach (var c in text)
        {
            if (c > 0xFF || !IsFieldValue((byte)c))
                return false;
        }
        return true;
    }

    /// <summary>What a request-target may hold: no controls and no space; obs-text is tolerated.</summary>
    public static bool IsTarget(byte b) => b > 0x20 && b != 0x7F;

    /// <summary>reg-name of RFC 3986: unreserved, sub-delims and pct-encoded.</summary>
    public static bool IsRegName(char c) => c < 128 && RegNameTable[c];

    public static bool IsWhitespace(byte b) => b == ' ' || b == '\t';

    /// <summary>host [ ":" port ], where host is a reg-name, IPv4 or an IP-literal; an empty string is allowed.</summary>
    public static bool IsAuthority(string authority)
    {
        var hostEnd = authority.Length;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
                return false;
            for (var i = 1; i < close; i++)
            {
                if (!(char.IsAsciiHexDigit(authority[i]) || authority[i] is ':' or '.'))
                    return false;
            }
            return IsPort(authority.AsSpan(close + 1));
        }
        var colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!IsPort(authority.AsSpan(colon)))
                return false;
            hostEnd = colon;
        }
        for (var i = 0; i < hostEnd; i++)
        {
            if (!IsRegName(authority[i]))
                return false;
        }
        return true;
    }

    private static bool IsPort(ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty)
            return true;
        if (rest[0] != ':')
            return false;
        foreach (var c in rest[1..])
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }

    private static bool[] Table(Func<char, bool> member)
    {
        var table = new bool[256];
        for (var i = 0; i < 128; i++)
            table[i] = member((char)i);
        return table;
    }
}
