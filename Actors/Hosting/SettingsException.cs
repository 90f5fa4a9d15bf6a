using System.Globalization;
using System.Text;

namespace Resume.Actors.Hosting;

/// <summary>
/// A configuration the server cannot start with: a value of the wrong type or out of range, a key
/// nobody reads, a file that is missing or not HOCON. Its message is one line naming the key (or
/// option) and what is wrong; the executable prints it and exits 2, with no stack trace.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string key, string problem)
        : base(OneLine($"{key}: {problem}")) => Key = key;

    /// <summary>The full HOCON path (e.g. <c>resume.server.port</c>), or the command-line option.</summary>
    public string Key { get; }

    /// <summary>
    /// <paramref name="text"/> with its control characters escaped, so a value holding a newline
    /// cannot break the one line an operator reads.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        var line = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return line.ToString();
    }
}
