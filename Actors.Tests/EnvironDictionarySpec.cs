using Resume.Apps;
using Resume.Apps.Testing;

namespace Resume.Actors.Tests;

/// <summary>The environ behaves as the dictionary apps expect, however many keys a request brings.</summary>
public sealed class EnvironDictionarySpec
{
    private static readonly App Nothing = (_, _) => [];

    private static Environ EnvironWith(int extraHeaders)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "test") };
        for (var i = 0; i < extraHeaders; i++)
            headers.Add(new($"X-Field-{i}", $"value {i}"));
        headers.Add(new("Accept", "text/plain"));
        headers.Add(new("accept", "text/html"));
        headers.Add(new("Cookie", "a=1"));
        headers.Add(new("Cookie", "b=2"));
        return AppRun.Start(Nothing, new TestRequest { Headers = headers }).Environ;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Keys_are_found_set_overwritten_and_removed_and_keep_the_order_they_were_set_in(int extraHeaders)
    {
        var environ = EnvironWith(extraHeaders);

        Assert.Equal("test", environ["HTTP_HOST"]);
        for (var i = 0; i < extraHeaders; i++)
            Assert.Equal($"value {i}", environ[$"HTTP_X_FIELD_{i}"]);
        Assert.Equal("text/plain, text/html", environ["HTTP_ACCEPT"]);
        Assert.Equal("a=1; b=2", environ["HTTP_COOKIE"]);
        Assert.False(environ.ContainsKey("http_host"));
        var ex = Assert.Throws<KeyNotFoundException>(() => environ["HTTP_MISSING"]);
        Assert.Contains("HTTP_MISSING", ex.Message);

        var count = environ.Count;
        environ.PathInfo = "/moved";
        environ["app.key"] = 7;
        Assert.Throws<ArgumentException>(() => environ.Add("app.key", 8));
        Assert.Equal(count + 1, environ.Count);
        Assert.Equal("/moved", environ.PathInfo);
        Assert.Equal(7, environ["app.key"]);
        Assert.Equal("app.key", environ.Keys.Last());

        Assert.True(environ.Remove("HTTP_HOST"));
        Assert.False(environ.Remove("HTTP_HOST"));
        Assert.False(environ.TryGetValue("HTTP_HOST", out _));
        Assert.Equal("a=1; b=2", environ["HTTP_COOKIE"]);
        Assert.Equal(7, environ["app.key"]);
        Assert.Equal(count, environ.Count);
        Assert.Equal(environ.Keys, environ.Select(entry => entry.Key));
        Assert.Equal(environ.Count, environ.Keys.Distinct().Count());
    }

    [Fact]
    public void Changing_the_environ_while_enumerating_it_is_refused_as_a_dictionary_refuses_it()
    {
        var environ = EnvironWith(0);

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in environ)
                environ["app.seen"] = entry.Key;
        });
    }

    [Fact]
    public void The_environ_copies_into_a_dictionary_and_compares_pairs_by_value()
    {
        var environ = EnvironWith(0);
        var copy = new Dictionary<string, object>(environ);

        Assert.Equal(environ.Count, copy.Count);
        Assert.Equal("GET", copy["REQUEST_METHOD"]);
        Assert.Contains(new KeyValuePair<string, object>("REQUEST_METHOD", "GET"), environ);
        Assert.False(environ.Remove(new KeyValuePair<string, object>("REQUEST_METHOD", "POST")));
        Assert.True(environ.Remove(new KeyValuePair<string, object>("REQUEST_METHOD", "GET")));
        environ.Clear();
        Assert.Empty(environ);
    }
}
