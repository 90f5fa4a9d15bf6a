using Resume.Http;

namespace Resume.Transport.Http;

/// <summary>
/// The chunk-ext grammar of RFC 9112 §7.1.1, checked without allocating:
/// <c>*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )</c>. Extensions are then
/// ignored, as the RFC allows for those a server does not understand; a malformed one is refused,
/// since parsers that disagree on where a chunk line ends are a smuggling door.
/// </summary>
internal static class ChunkExtensions
{
    /// <param name="extensions">What follows the chunk size on its line: empty, or starting with ';'.</param>
    public static bool AreValid(ReadOnlySpan<byte> extensions)
    {
        var i = 0;
        while (i < extensions.Length)
        {
            if (extensions[i] != ';')
                return false;
            i = SkipWhitespace(extensions, i + 1);
            var nameEnd = SkipToken(extensions, i);
            if (nameEnd == i)
                return false;
            i = SkipWhitespace(extensions, nameEnd);
            if (i < extensions.Length && extensions[i] == '=')
            {
                i = SkipWhitespace(extensions, i + 1);
                var valueEnd = i < extensions.Length && extensions[i] == '"' ? SkipQuotedString(extensions, i) : SkipToken(extensions, i);
                if (valueEnd <= i)
                    return false;
                i = SkipWhitespace(extensions, valueEnd);
            }
        }
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> text, int i)
    {
        while (i < text.Length && HttpSyntax.IsWhitespace(text[i]))
            i++;
        return i;
    }

    private static int SkipToken(ReadOnlySpan<byte> text, int i)
    {
        while (i < text.Length && HttpSyntax.IsToken(text[i]))
            i++;
        return i;
    }

    /// <summary>The index just past the quoted-string that starts at <paramref name="i"/>, or -1 if it is malformed or unterminated.</summary>
    private static int SkipQuotedString(ReadOnlySpan<byte> text, int i)
    {
        // qdtext and the escaped byte of a quoted-pair are field-value bytes (HTAB, SP, VCHAR, obs-text).
        for (i++; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '"')
                return i + 1;
            if (b == '\\' && ++i == text.Length)
                return -1;
            if (!HttpSyntax.IsFieldValue(text[i]))
                return -1;
        }
        return -1;
    }
}
