using Microsoft.Playwright;
using Resume.Actors.Apps;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// The status endpoint's HTML page, in headless Chromium (Debian's package, driven by Playwright with
/// its executable path; .ci/run installs it): with requests suspended the page lists them and what
/// they wait on; once they finish, its next refresh no longer does.
/// </summary>
public sealed class StatusPageSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    [Fact]
    public async Task The_page_shows_suspended_requests_and_drops_them_once_they_finish()
    {
        var settings = TestServers.Settings with { StatusPath = "/_status" };
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = TestServers.Start(Sys, AppBinding.Single("waiter", Waiter(gate.Task), settings.DefaultAppOptions), settings);
        var waiting = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        await Task.WhenAll(waiting.Select((c, i) => c.SendAsync(Get($"/wait/{i}"))));
        await AwaitAssertAsync(() => Assert.Equal(5, server.Stats.InFlight.Count), Dilated(TimeSpan.FromSeconds(10)));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPaths.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (.ci/run does)"),
            Args = ["--no-sandbox"],
            Headless = true,
        });
        var page = await browser.NewPageAsync();
        // A browser asks for text/html: the page, not the JSON.
        var response = await page.GotoAsync($"http://{server.Endpoint}/_status");
        Assert.Equal("text/html; charset=utf-8", response!.Headers["content-type"]);

        var rows = page.Locator("#in-flight tbody tr");
        await Microsoft.Playwright.Assertions.Expect(rows).ToHaveCountAsync(5, new() { Timeout = 10_000 });
        var texts = await rows.AllInnerTextsAsync();
        Output!.WriteLine(string.Join("\n", texts));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"/wait/{i}").ToHashSet(), texts.Select(t => t.Split('\t')[3]).ToHashSet());
        Assert.All(texts, text =>
        {
            var cells = text.Split('\t');
            Assert.Equal("waiter", cells[1]);
            Assert.Equal("GET", cells[2]);
            Assert.Equal("suspended", cells[4]);
            Assert.Equal("future", cells[5]);
            Assert.EndsWith(" s", cells[6], StringComparison.Ordinal);
        });
        // The status request itself is left out.
        Assert.Equal("5", await page.Locator("#in-flight-count").InnerTextAsync());
        Assert.Equal("Not clustered.", await page.Locator("#cluster-none").InnerTextAsync());

        gate.SetResult();
        foreach (var client in waiting)
        {
            Assert.Equal("done", (await client.ReadResponseAsync()).BodyText);
            await client.DisposeAsync();
        }
        await Microsoft.Playwright.Assertions.Expect(rows).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        Assert.Equal("0", await page.Locator("#in-flight-count").InnerTextAsync());
        // Completed counts the page's own fetches too; none of the five was aborted or timed out.
        Assert.Contains("aborted\t0", await page.Locator("#totals").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("", await page.Locator("#error").InnerTextAsync());
    }

    private static App Waiter(Task gate) => (environ, startResponse) => Wait(environ, gate, startResponse);

    private static IEnumerable<Step> Wait(Environ environ, Task gate, StartResponse startResponse)
    {
        // Only /wait/N waits: a browser may ask for more than the page (an icon, say).
        if (!environ.PathInfo.StartsWith("/wait/", StringComparison.Ordinal))
        {
            startResponse("404 Not Found", [new("Content-Type", "text/plain")]);
            yield break;
        }
        yield return gate;
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return "done";
    }
}
