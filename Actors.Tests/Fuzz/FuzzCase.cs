using System.Text;

namespace Resume.Actors.Tests.Fuzz;

/// <summary>
/// What one fuzzing case sends: the bytes, and the sizes of the writes they go out in (the last
/// piece takes what is left). Printed escaped, so a failure's counterexample can be pasted into a
/// file of <c>Fuzz/Regressions</c>.
/// </summary>
public sealed record FuzzCase(byte[] Bytes, int[] Pieces)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var b in Bytes)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }
        return $"\"{text}\" in writes of [{string.Join(", ", Pieces)}]";
    }
}
