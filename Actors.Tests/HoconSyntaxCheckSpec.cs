using System.Text;
using Akka.Actor;
using Resume.Actors.Hosting;

namespace Resume.Actors.Tests;

/// <summary>The strict structural check a --config file passes before Akka parses it (Akka takes some broken files silently).</summary>
public sealed class HoconSyntaxCheckSpec
{
    [Fact]
    public void The_embedded_defaults_and_Akkas_own_configuration_files_pass()
    {
        Check(typeof(ResumeConfig).Assembly, "resume.conf");
        var akka = typeof(ActorSystem).Assembly;
        var references = akka.GetManifestResourceNames().Where(name => name.EndsWith(".conf", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(references);
        foreach (var name in references)
            Check(akka, name);

        static void Check(System.Reflection.Assembly assembly, string name)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            var error = Record.Exception(() => HoconSyntaxCheck.CheckedText(bytes.ToArray()));
            Assert.True(error is null, $"{name}: {error?.Message}");
        }
    }

    [Theory]
    [InlineData("a = 1\nb : \"two\"\nc += 3\n")]
    [InlineData("{\n  a = 1\n}\n")]
    [InlineData("a { b { c = 1 } }\n")]
    [InlineData("a.b.c = 100 ms\n")]
    [InlineData("a = [1, 2\n  3]\nb = [ { x = 1 }, { y = 2 } ]\n")]
    [InlineData("a = ${b}\nc = ${?ENV_NAME}\nd = ${b} more text\n")]
    [InlineData("a = \"\"\"line one\nline two\"\"\"\nb = 2\n")]
    [InlineData("# a comment\n// another\na = 1 # trailing\nb = 2 // trailing\n")]
    [InlineData("a = 1, b = 2\n")]
    [InlineData("include \"other.conf\"\ninclude required(file(\"x.conf\"))\na = 1\n")]
    [InlineData("a =\n  1\n")]
    [InlineData("\"quoted.key\" = \"a \\\"quoted\\\" value\\n\"\n")]
    [InlineData("path = /var/log/resume\nhost = \"::1\"\n")]
    [InlineData("")]
    [InlineData("\uFEFFa = 1\r\nb = 2\r\n")]
    public void Well_formed_HOCON_passes(string text) => HoconSyntaxCheck.Check(text);

    [Theory]
    [InlineData("resume {\n  server {\n    port = 1\n  }\n", "line 1: this '{' is never closed")]
    [InlineData("a = [1, 2\n", "line 1: this '[' is never closed")]
    [InlineData("a = 1\n}\n", "line 2: this '}' closes nothing")]
    [InlineData("a = 1\ngarbage here\n", "line 2: 'garbage here' has no value: a key is followed by '=', ':' or '{'")]
    [InlineData("a = 1\nb =\n", "line 2: the file ends where the value of 'b' after '=' belongs")]
    [InlineData("a = 1 = 2\n", "line 1: unexpected '=' after a value")]
    [InlineData("a = \"open\nb = 2\n", "line 1: this quoted string is not closed on its line")]
    [InlineData("a = \"bad \\q escape\"\n", "line 1: a backslash in a quoted string must start an escape")]
    [InlineData("a = ${b\n", "line 1: this ${ substitution is not closed by '}' on its line")]
    [InlineData("a = \"\"\"never closed\n", "line 1: this \"\"\" string is never closed")]
    [InlineData("a = 1\nb = @home\n", "line 2: '@' cannot appear outside quotes here")]
    [InlineData("{ a = 1 }\nb = 2\n", "line 2: unexpected 'b' after the closing '}' of the file's root object")]
    [InlineData("a { b = 1 } c = 2\n", "line 1: unexpected 'c' after a value")]
    [InlineData("= 1\n", "line 1: unexpected '=' where a key belongs")]
    public void Broken_HOCON_is_refused_at_its_line(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => HoconSyntaxCheck.Check(text));
        Assert.StartsWith(problem, error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0x00, 0x01 }, "line 2: control character U+0000")]
    [InlineData(new byte[] { 0x61, 0x0A, 0x0A, 0x62, 0xFF }, "line 3: byte 0xff is not UTF-8 text")]
    public void Binary_bytes_are_refused_at_their_line(byte[] bytes, string problem)
    {
        var error = Assert.Throws<FormatException>(() => HoconSyntaxCheck.CheckedText(bytes));
        Assert.StartsWith(problem, error.Message);
    }

    [Fact]
    public void The_checked_text_is_the_files_text_without_its_byte_order_mark() =>
        Assert.Equal("a = é\n", HoconSyntaxCheck.CheckedText([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a = é\n")]));
}
