using System.Text;
using Resume.Apps;
using Resume.Http;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>HTTP's character rules have one owner: what apps may send and what clients may send are checked alike.</summary>
public sealed class HttpSyntaxSpec
{
    [Fact]
    public void A_header_name_character_is_refused_from_an_app_exactly_when_it_is_refused_from_a_client()
    {
        for (var c = 1; c < 256; c++)
        {
            var name = $"X{(char)c}Y";
            var refusedFromApp = Throws(() => ResponseRules.Check("200 OK", [new(name, "v")]));
            var refusedFromClient = Throws(() => HeadParser.ParseField(Encoding.Latin1.GetBytes($"{name}: v")));
            Assert.True(refusedFromApp == refusedFromClient || c == ':', $"character {c}: app {refusedFromApp}, client {refusedFromClient}");
            Assert.Equal(!HttpSyntax.IsToken((byte)c), refusedFromApp);
        }
    }

    [Fact]
    public void A_header_value_character_is_refused_from_an_app_exactly_when_it_is_refused_from_a_client()
    {
        for (var c = 0; c < 256; c++)
        {
            var value = $"a{(char)c}b";
            var refusedFromApp = Throws(() => ResponseRules.Check("200 OK", [new("X", value)]));
            var refusedFromClient = Throws(() => HeadParser.ParseField(Encoding.Latin1.GetBytes($"X: {value}")));
            Assert.Equal(refusedFromApp, refusedFromClient);
            Assert.Equal(!HttpSyntax.IsFieldValue((byte)c), refusedFromApp);
        }
        Assert.False(HttpSyntax.IsFieldValue("\u0100"));
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (Exception e) when (e is ArgumentException or RequestRejectedException)
        {
            return true;
        }
    }
}
