using System.Text;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// An nginx configuration read as nginx reads it: directives (a name and arguments, ended by ';') and
/// blocks (a directive with '{ ... }'), comments dropped, quoted arguments unquoted.
/// </summary>
public sealed record NginxConfig(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<NginxConfig> Children)
{
    /// <summary>The directives or blocks named <paramref name="name"/> directly in this one.</summary>
    public IEnumerable<NginxConfig> All(string name) => Children.Where(c => c.Name == name);

    public NginxConfig One(string name) => All(name).Single();

    /// <summary>The block named <paramref name="name"/> whose first argument is <paramref name="argument"/> (<c>upstream resume</c>, <c>location /</c>).</summary>
    public NginxConfig Block(string name, string argument) => All(name).Single(b => b.Arguments.Count > 0 && b.Arguments[0] == argument);

    /// <summary>The value of each <c>proxy_set_header NAME VALUE</c>, by name.</summary>
    public IReadOnlyDictionary<string, string> ProxyHeaders =>
        All("proxy_set_header").ToDictionary(d => d.Arguments[0], d => d.Arguments[1], StringComparer.OrdinalIgnoreCase);

    public static NginxConfig Parse(string text)
    {
        var tokens = new Queue<string>(Tokens(text));
        var root = Parse(tokens, "");
        return root;
    }

    private static NginxConfig Parse(Queue<string> tokens, string name, IReadOnlyList<string>? arguments = null)
    {
        var children = new List<NginxConfig>();
        var words = new List<string>();
        while (tokens.TryDequeue(out var token))
        {
            switch (token)
            {
                case ";":
                    children.Add(new NginxConfig(words[0], [.. words.Skip(1)], []));
                    words.Clear();
                    break;
                case "{":
                    children.Add(Parse(tokens, words[0], [.. words.Skip(1)]));
                    words.Clear();
                    break;
                case "}":
                    return new NginxConfig(name, arguments ?? [], children);
                default:
                    words.Add(token);
                    break;
            }
        }
        if (name.Length > 0 || words.Count > 0)
            throw new FormatException($"unclosed block or directive near '{name} {string.Join(' ', words)}'");
        return new NginxConfig(name, arguments ?? [], children);
    }

    // Quoted strings are one token (their quotes removed, \" kept as "); '#' starts a comment outside them.
    private static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var quote = c;
                for (i++; i < text.Length && text[i] != quote; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                        i++;
                    word.Append(text[i]);
                }
                yield return word.ToString();
                word.Clear();
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                    i++;
            }
            else if (char.IsWhiteSpace(c) || c is ';' or '{' or '}')
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
                if (c is ';' or '{' or '}')
                    yield return c.ToString();
            }
            else
            {
                word.Append(c);
            }
        }
        if (word.Length > 0)
            yield return word.ToString();
    }
}
