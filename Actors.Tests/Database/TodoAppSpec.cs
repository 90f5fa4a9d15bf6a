using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Resume.Actors.Testing;
using Resume.Actors.Tests.Support;
using Resume.Samples.Todo;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Database;

/// <summary>
/// The todo sample on a real PostgreSQL server (started by the fixture from the server binaries):
/// the API and its 400s; 500 concurrent requests through a pool of 20, all answered, suspended while
/// they wait for a connection rather than holding threads; a client that leaves cancels its query in
/// the database.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class TodoAppSpec(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Todos_are_created_listed_by_page_read_changed_and_deleted_and_bad_input_is_400()
    {
        await using var db = await postgres.NewSchemaAsync();
        var store = new TodoStore(db);
        await store.CreateSchemaAsync();
        await using var host = await Host(store);
        var http = host.Client;

        var created = await http.PostAsJsonAsync("/todos", new { title = "write tests" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("id").GetInt64();
        Assert.Equal($"/todos/{id}", created.Headers.Location?.OriginalString);
        for (var i = 0; i < 4; i++)
            (await http.PostAsJsonAsync("/todos", new { title = $"todo {i}", done = i % 2 == 0 })).EnsureSuccessStatusCode();

        var page1 = await http.GetFromJsonAsync<JsonElement>("/todos?limit=3");
        Assert.Equal(3, page1.GetProperty("items").GetArrayLength());
        var next = page1.GetProperty("next").GetInt64();
        var page2 = await http.GetFromJsonAsync<JsonElement>($"/todos?limit=3&after={next}");
        Assert.Equal(2, page2.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next").ValueKind);

        var changed = await http.PutAsJsonAsync($"/todos/{id}", new { done = true });
        Assert.True((await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("done").GetBoolean());
        Assert.Equal("write tests", (await http.GetFromJsonAsync<JsonElement>($"/todos/{id}")).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/todos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/todos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/todos/{id}")).StatusCode);

        foreach (var (request, problem) in new (HttpRequestMessage, string)[]
        {
            (new(HttpMethod.Get, "/todos/abc"), "is not a todo id"),
            (new(HttpMethod.Get, "/todos?limit=0"), "limit must be a whole number from 1 to 100"),
            (new(HttpMethod.Get, "/todos?after=-1"), "after must be"),
            (new(HttpMethod.Post, "/todos") { Content = new StringContent("{\"title\": 5}") }, "is not a todo in JSON"),
            (new(HttpMethod.Post, "/todos") { Content = new StringContent("{}") }, "\"title\" is required"),
            (new(HttpMethod.Post, "/todos") { Content = JsonContent.Create(new { title = "  " }) }, "\"title\" is empty"),
            (new(HttpMethod.Put, "/todos/1") { Content = new StringContent("not json") }, "is not a todo in JSON"),
        })
        {
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(problem, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Five_hundred_concurrent_requests_through_a_pool_of_20_all_succeed_without_a_thread_each()
    {
        await using var db = await postgres.NewSchemaAsync(pool: 20);
        var store = new TodoStore(db);
        await store.CreateSchemaAsync();
        await using var host = await Host(store);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 500 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        (await http.PostAsJsonAsync("/todos", new { title = "one" })).EnsureSuccessStatusCode();
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var peakThreads = threadsBefore;
        var peakConnections = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            await using var admin = NpgsqlDataSource.Create(postgres.Server.ConnectionString(1));
            while (!sampling.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, Process.GetCurrentProcess().Threads.Count);
                await using var count = admin.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
                peakConnections = Math.Max(peakConnections, (long)(await count.ExecuteScalarAsync())! - 1);
                await Task.Delay(20);
            }
        });

        // Each query waits 200 ms in the database: 500 of them through 20 connections take ~5 s, so
        // most requests wait for a connection, suspended.
        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => http.GetAsync("/todos?wait_ms=200")));
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"500 requests, pool 20: at most {peakConnections} database connections; threads {threadsBefore} -> at most {peakThreads}");
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.True(peakConnections <= 20, $"{peakConnections} database connections at once");
        // A thread per waiting request would be ~480 more.
        Assert.True(peakThreads - threadsBefore < 60, $"threads {threadsBefore} -> {peakThreads}");
    }

    [Fact]
    public async Task A_client_that_leaves_cancels_its_query_in_the_database()
    {
        await using var db = await postgres.NewSchemaAsync();
        var store = new TodoStore(db);
        await store.CreateSchemaAsync();
        await using var host = await Host(store);
        await using var admin = NpgsqlDataSource.Create(postgres.Server.ConnectionString(1));
        async Task<long> Sleeping()
        {
            await using var count = admin.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%' AND query NOT LIKE '%pg_stat_activity%'");
            return (long)(await count.ExecuteScalarAsync())!;
        }

        var client = await RawHttpClient.ConnectAsync(host.Endpoint);
        await client.SendAsync("GET /todos?wait_ms=30000 HTTP/1.1\r\nHost: t\r\n\r\n");
        await WaitUntil(async () => await Sleeping() == 1, TimeSpan.FromSeconds(10));

        var left = Stopwatch.StartNew();
        client.Socket.LingerState = new LingerOption(true, 0);
        await client.DisposeAsync();

        await WaitUntil(async () => await Sleeping() == 0, TimeSpan.FromSeconds(10));
        output.WriteLine($"the 30 s query was cancelled in the database {left.ElapsedMilliseconds} ms after its client left");
        Assert.Equal(1, host.Stats.Aborted);
    }

    /// <summary>The todo app as its Program.cs serves it: made from the host's services.</summary>
    private static Task<ResumeTestHost> Host(TodoStore store) =>
        ResumeTestHost.StartAsync(
            resume => resume.Mount("/todos", services => new TodoApp(services.GetRequiredService<TodoStore>()).Run),
            services => services.AddSingleton(store));

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
                throw new TimeoutException($"not within {within}");
            await Task.Delay(50);
        }
    }
}
