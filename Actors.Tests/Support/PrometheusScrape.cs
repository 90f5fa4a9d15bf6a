using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Resume.Actors.Tests.Support;

/// <summary>A scrape of a Prometheus text endpoint, read back sample by sample.</summary>
public sealed partial class PrometheusScrape(string text)
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = Parse(text);

    public string Text { get; } = text;

    public static async Task<PrometheusScrape> GetAsync(IPEndPoint endpoint, string path)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Header("Content-Type"));
        return new PrometheusScrape(response.BodyText);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label of <paramref name="labels"/> ("name=value"); 0 if none.</summary>
    public double Value(string name, params string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(label =>
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            return s.Labels.TryGetValue(label[..eq], out var value) && value == label[(eq + 1)..];
        })).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    private static List<(string, Dictionary<string, string>, double)> Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
                continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            samples.Add((match.Groups["name"].Value, labels, value));
        }
        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
