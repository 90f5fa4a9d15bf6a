using System.Security.Cryptography;
using Npgsql;
using Resume.Samples.Todo;

// Same routes as Resume's demo, each the idiomatic async ASP.NET Core equivalent.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
// The slim builder leaves HTTPS out; the https scenario gives the certificate by configuration
// (Kestrel__Certificates__Default__Path / KeyPath) and an https:// URL.
builder.WebHost.UseKestrelHttpsConfiguration();
builder.WebHost.ConfigureKestrel(options =>
{
    options.Limits.MaxConcurrentConnections = null;
    options.Limits.MaxRequestBodySize = null;
});
var app = builder.Build();

var hello = "Hello, World!"u8.ToArray();
app.MapGet("/hello", () => Results.Bytes(hello, "text/plain"));

app.MapGet("/sleep", async (int? ms, CancellationToken aborted) =>
{
    await Task.Delay(ms ?? 100, aborted);
    return Results.Text("ok");
});

app.MapGet("/stream", async (HttpContext context, int? chunks, int? size) =>
{
    var chunk = new byte[size ?? 1024];
    for (var i = 0; i < chunk.Length; i++)
        chunk[i] = (byte)('a' + i % 26);
    context.Response.ContentType = "application/octet-stream";
    for (var i = 0; i < (chunks ?? 10); i++)
        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
});

app.MapPost("/upload", async (HttpContext context) =>
{
    using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    var buffer = new byte[256 * 1024];
    long bytes = 0;
    int read;
    while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
    {
        sha.AppendData(buffer, 0, read);
        bytes += read;
    }
    return Results.Json(new { bytes, sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()) });
});

// The todo sample's list, on the same store code (linked in) and the same pool, when TODO_DB is set.
if (Environment.GetEnvironmentVariable("TODO_DB") is { } todoDb)
{
    var store = new TodoStore(new NpgsqlDataSourceBuilder(todoDb).Build());
    await store.CreateSchemaAsync();
    app.MapGet("/todos", async (int? limit, long? after, CancellationToken aborted) =>
    {
        var items = await store.ListAsync(limit ?? 20, after ?? 0, 0, aborted);
        return Results.Json(new { items, next = items.Count == (limit ?? 20) ? items[^1].Id : (long?)null });
    });
}

app.Run();
