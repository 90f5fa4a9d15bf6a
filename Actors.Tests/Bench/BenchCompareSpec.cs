using System.Globalization;
using Resume.Actors.Tests.Deploy;

namespace Resume.Actors.Tests.Bench;

/// <summary>
/// The benchmarks' regression guard (<c>bench/bench.py --compare-only</c>) on the committed
/// <c>bench/results/LATEST.md</c>: it finds every table the bench writes, and flags a ratio that got
/// more than 10% worse, with exit code 1, but not one that got better.
/// </summary>
public sealed class BenchCompareSpec
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_committed_results_compared_with_themselves_show_every_table_and_no_regression()
    {
        var (exitCode, output) = await CompareAsync(RepositoryRoot.File("bench/results/LATEST.md"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("no regression", output);
        foreach (var value in new[]
        {
            "hello resume: req/s × Kestrel", "pipeline resume: CPU/req × Kestrel", "suspend-10k resume: RSS × Kestrel",
            "memory per suspended request resume: KiB", "Stream resume: fast read GB/s", "Cluster remote: p99 × local",
            "Scale-out counter 3: scale-out factor",
        })
        {
            Assert.Contains(value, output);
        }
    }

    [Fact]
    public async Task A_ratio_more_than_ten_percent_worse_is_a_regression_and_a_better_one_is_not()
    {
        var lines = RepositoryRoot.Read("bench/results/LATEST.md").Split('\n');
        var row = Array.FindIndex(lines, line => line.StartsWith("| hello | resume |", StringComparison.Ordinal));
        Assert.True(row >= 0, "no hello row for Resume in LATEST.md");
        // Cells: "", scenario, server, req/s, p50, p99, errors, CPU, RSS, req/s × Kestrel, p99 ×, CPU/req ×, RSS ×.
        var cells = lines[row].Split('|');
        cells[9] = Scaled(cells[9], 0.8);
        cells[11] = Scaled(cells[11], 0.9);
        lines[row] = string.Join('|', cells);
        var doctored = Path.Combine(Path.GetTempPath(), $"resume-latest-{Guid.NewGuid():N}.md");
        await File.WriteAllLinesAsync(doctored, lines);
        try
        {
            var (exitCode, output) = await CompareAsync(doctored);

            Assert.True(exitCode == 1, output);
            var outputLines = output.Split('\n');
            Assert.Contains("REGRESSION", Assert.Single(outputLines, line => line.StartsWith("hello resume: req/s × Kestrel", StringComparison.Ordinal)));
            var cpu = Assert.Single(outputLines, line => line.StartsWith("hello resume: CPU/req × Kestrel", StringComparison.Ordinal));
            Assert.Contains("better", cpu);
            Assert.DoesNotContain("REGRESSION", cpu);
            Assert.Contains("1 regression", output);
        }
        finally
        {
            File.Delete(doctored);
        }
    }

    private static string Scaled(string cell, double factor) =>
        " " + (double.Parse(cell.Trim(), CultureInfo.InvariantCulture) * factor).ToString("0.00", CultureInfo.InvariantCulture) + " ";

    private static Task<(int ExitCode, string Output)> CompareAsync(string results) =>
        CommandRun.RunAsync("python3", [RepositoryRoot.File("bench/bench.py"), "--compare-only", results], Within);
}
