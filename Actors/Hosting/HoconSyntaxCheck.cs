using System.Buffers;
using System.Globalization;
using System.Text;

namespace Resume.Actors.Hosting;

/// <summary>
/// A strict check of a HOCON file's structure, made before Akka parses it, because Akka's parser
/// takes some broken files without a word: an unclosed brace, a line of text that is a key with no
/// value, binary bytes. It checks the shape only — text, strings, comments, balanced braces and
/// brackets, every field a key followed by <c>=</c>, <c>:</c>, <c>+=</c> or <c>{</c> and a value,
/// <c>include</c> lines — and leaves the meaning (substitutions, merging) to Akka. The first problem
/// throws a <see cref="FormatException"/> whose message starts with its line number.
/// </summary>
public sealed class HoconSyntaxCheck
{
    // Characters HOCON does not allow in an unquoted string (its spec, "Unquoted strings").
    private static readonly SearchValues<char> NotUnquoted = SearchValues.Create("$\"{}[]:=,+#`^?!@*&\\");

    private readonly string _text;
    private int _position;
    private int _line = 1;
    private Token _token;

    private HoconSyntaxCheck(string text) => _text = text;

    private enum Kind
    {
        End,
        NewLine,
        Text,
        OpenBrace,
        CloseBrace,
        OpenBracket,
        CloseBracket,
        Comma,
        Separator,
    }

    /// <summary>The text of a file's <paramref name="bytes"/>, checked: UTF-8 with no control characters, then its structure.</summary>
    public static string CheckedText(ReadOnlySpan<byte> bytes)
    {
        var text = Decode(bytes);
        Check(text);
        return text;
    }

    /// <summary>Checks <paramref name="text"/>'s structure; throws a <see cref="FormatException"/> at the first problem.</summary>
    public static void Check(string text)
    {
        var check = new HoconSyntaxCheck(text);
        check.Next();
        check.Root();
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        var line = 1;
        for (var i = 0; i < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out var rune, out var length) != OperationStatus.Done)
                throw Problem(line, string.Create(CultureInfo.InvariantCulture, $"byte 0x{bytes[i]:x2} is not UTF-8 text (is this a binary file?)"));
            if (rune.Value == '\n')
                line++;
            else if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\r'))
                throw Problem(line, string.Create(CultureInfo.InvariantCulture, $"control character U+{rune.Value:X4} (is this a binary file?)"));
            i += length;
        }
        return Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
    }

    private void Root()
    {
        SkipNewLines();
        if (_token.Kind == Kind.OpenBrace)
        {
            Object();
            SkipNewLines();
            if (_token.Kind != Kind.End)
                throw Unexpected("after the closing '}' of the file's root object");
            return;
        }
        Fields(openedOn: null);
    }

    /// <summary>Fields up to the '}' that closes an object opened on <paramref name="openedOn"/>, or to the end of the file (null).</summary>
    private void Fields(int? openedOn)
    {
        while (true)
        {
            while (_token.Kind is Kind.NewLine or Kind.Comma)
                Next();
            switch (_token.Kind)
            {
                case Kind.End when openedOn is { } line:
                    throw Problem(line, "this '{' is never closed");
                case Kind.End:
                    return;
                case Kind.CloseBrace when openedOn is not null:
                    Next();
                    return;
                case Kind.CloseBrace:
                    throw Problem(_token.Line, "this '}' closes nothing");
                case Kind.Text when IsInclude(_token.Value):
                    SkipLine();
                    break;
                default:
                    Field();
                    break;
            }
            if (_token.Kind is not (Kind.NewLine or Kind.Comma or Kind.End or Kind.CloseBrace))
                throw Unexpected("after a value: put each field on a line of its own, or separate fields with commas");
        }
    }

    private void Field()
    {
        if (_token.Kind != Kind.Text)
            throw Unexpected("where a key belongs");
        var keyLine = _token.Line;
        var key = new StringBuilder();
        while (_token.Kind == Kind.Text)
        {
            key.Append(_token.Value);
            Next();
        }
        switch (_token.Kind)
        {
            case Kind.OpenBrace:
                Object();
                return;
            case Kind.Separator:
                var separator = _token.Value;
                Next();
                SkipNewLines();
                if (!Value())
                    throw Unexpected($"where the value of {Quote(key.ToString().Trim())} after '{separator}' belongs", keyLine);
                return;
            default:
                throw Problem(keyLine, $"{Quote(key.ToString().Trim())} has no value: a key is followed by '=', ':' or '{{'");
        }
    }

    /// <summary>One value, possibly concatenated from several on the line (<c>100 ms</c>, <c>${a} ${b}</c>); false if none is there.</summary>
    private bool Value()
    {
        var any = false;
        while (true)
        {
            switch (_token.Kind)
            {
                case Kind.Text:
                    Next();
                    break;
                case Kind.OpenBrace:
                    Object();
                    break;
                case Kind.OpenBracket:
                    List();
                    break;
                default:
                    return any;
            }
            any = true;
        }
    }

    private void Object()
    {
        var openedOn = _token.Line;
        Next();
        Fields(openedOn);
    }

    private void List()
    {
        var openedOn = _token.Line;
        Next();
        while (true)
        {
            while (_token.Kind is Kind.NewLine or Kind.Comma)
                Next();
            if (_token.Kind == Kind.CloseBracket)
            {
                Next();
                return;
            }
            if (_token.Kind == Kind.End)
                throw Problem(openedOn, "this '[' is never closed");
            if (!Value())
                throw Unexpected("in a list");
            if (_token.Kind is not (Kind.NewLine or Kind.Comma or Kind.CloseBracket))
                throw Unexpected("after a list element");
        }
    }

    private static bool IsInclude(string text) =>
        text == "include" || text.StartsWith("include ", StringComparison.Ordinal) || text.StartsWith("include\t", StringComparison.Ordinal);

    private void SkipNewLines()
    {
        while (_token.Kind == Kind.NewLine)
            Next();
    }

    private void SkipLine()
    {
        while (_token.Kind is not (Kind.NewLine or Kind.End))
            Next();
    }

    /// <summary>Reads the next token into <see cref="_token"/>; comments and blanks are skipped.</summary>
    private void Next()
    {
        SkipBlanksAndComments();
        if (_position >= _text.Length)
        {
            _token = new Token(Kind.End, "", _line);
            return;
        }
        var c = _text[_position];
        var line = _line;
        _token = c switch
        {
            '\n' => NewLine(),
            '{' => Single(Kind.OpenBrace),
            '}' => Single(Kind.CloseBrace),
            '[' => Single(Kind.OpenBracket),
            ']' => Single(Kind.CloseBracket),
            ',' => Single(Kind.Comma),
            '=' or ':' => Single(Kind.Separator),
            '+' when At("+=") => Take(Kind.Separator, 2),
            '"' when At("\"\"\"") => TripleQuoted(),
            '"' => Quoted(),
            '$' when At("${") => Substitution(),
            _ when NotUnquoted.Contains(c) => throw Problem(_line, $"'{c}' cannot appear outside quotes here"),
            _ => Unquoted(),
        } with
        { Line = line };
    }

    private void SkipBlanksAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF'))
                _position++;
            else if (c == '#' || At("//"))
                _position = _text.IndexOf('\n', _position) is var end and >= 0 ? end : _text.Length;
            else
                return;
        }
    }

    private Token NewLine()
    {
        _position++;
        _line++;
        return new Token(Kind.NewLine, "\n", 0);
    }

    private Token Single(Kind kind) => Take(kind, 1);

    private Token Take(Kind kind, int length)
    {
        var value = _text.Substring(_position, length);
        _position += length;
        return new Token(kind, value, 0);
    }

    private Token Quoted()
    {
        var start = _position++;
        while (_position < _text.Length && _text[_position] != '\n')
        {
            var c = _text[_position++];
            if (c == '"')
                return new Token(Kind.Text, _text[start.._position], 0);
            if (c == '\\')
            {
                if (_position >= _text.Length || !"\"\\/bfnrtu".Contains(_text[_position]))
                    throw Problem(_line, "a backslash in a quoted string must start an escape (\\\", \\\\, \\n, \\t, \\uXXXX, ...)");
                _position++;
            }
        }
        throw Problem(_line, "this quoted string is not closed on its line");
    }

    private Token TripleQuoted()
    {
        var openedOn = _line;
        var end = _text.IndexOf("\"\"\"", _position + 3, StringComparison.Ordinal);
        if (end < 0)
            throw Problem(openedOn, "this \"\"\" string is never closed");
        // A triple-quoted string ends at the last of a run of quotes.
        while (end + 3 < _text.Length && _text[end + 3] == '"')
            end++;
        var value = _text[_position..(end + 3)];
        _line += value.Count(c => c == '\n');
        _position = end + 3;
        return new Token(Kind.Text, value, 0);
    }

    private Token Substitution()
    {
        var end = _text.IndexOfAny(['}', '\n'], _position);
        if (end < 0 || _text[end] != '}')
            throw Problem(_line, "this ${ substitution is not closed by '}' on its line");
        var value = _text[_position..(end + 1)];
        _position = end + 1;
        return new Token(Kind.Text, value, 0);
    }

    private Token Unquoted()
    {
        var start = _position;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n' || NotUnquoted.Contains(c) || At("//"))
                break;
            _position++;
        }
        // Blanks inside a run belong to it (a key "a b", a value "100 ms"); at its end they do not.
        return new Token(Kind.Text, _text[start.._position].TrimEnd(), 0);
    }

    private bool At(string text) => string.CompareOrdinal(_text, _position, text, 0, text.Length) == 0;

    private FormatException Unexpected(string where, int? line = null) =>
        Problem(line ?? _token.Line, _token.Kind switch
        {
            Kind.End => $"the file ends {where}",
            Kind.NewLine => $"the line ends {where}",
            _ => $"unexpected {Quote(_token.Value)} {where}",
        });

    private static string Quote(string text) => text.StartsWith('"') ? text : $"'{text}'";

    private static FormatException Problem(int line, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"line {line}: {problem}"));

    /// <summary>A token, and the line it starts on.</summary>
    private readonly record struct Token(Kind Kind, string Value, int Line);
}
