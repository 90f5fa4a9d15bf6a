using System.Globalization;
using System.Text.Json;
using Resume.Apps;

namespace Resume.Samples.Todo;

/// <summary>
/// A todo API on PostgreSQL, mounted at <c>/todos</c>: <c>POST /todos</c> {"title", "done"?} creates (201);
/// <c>GET /todos?limit=20&amp;after=ID</c> lists by id, a page at a time (<c>next</c> is the after= of the
/// next page); <c>GET/PUT/DELETE /todos/{id}</c> read, change ({"title"?, "done"?}) and delete one.
/// Every query is a future the app yields; the request waits for a pooled connection, suspended, and
/// its query is cancelled if the client leaves (<c>wait_ms</c> on the list makes the database wait
/// first, to show it). Bad ids, paging or bodies are 400 with what is wrong.
/// </summary>
public sealed class TodoApp(TodoStore store)
{
    public const int MaxTitle = 200;
    public const int MaxBody = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var path = environ.PathInfo.Trim('/');
        if (path.Length == 0)
        {
            return environ.RequestMethod switch
            {
                "GET" => List(environ, startResponse),
                "POST" => Create(environ, startResponse),
                _ => Answer(startResponse, "405 Method Not Allowed", new { error = "GET lists todos, POST creates one" }),
            };
        }
        if (!long.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            return Answer(startResponse, "400 Bad Request", new { error = $"'{path}' is not a todo id (a positive integer)" });
        return environ.RequestMethod switch
        {
            "GET" => Get(environ, startResponse, id),
            "PUT" => Update(environ, startResponse, id),
            "DELETE" => Delete(environ, startResponse, id),
            _ => Answer(startResponse, "405 Method Not Allowed", new { error = "GET, PUT or DELETE a todo" }),
        };
    }

    private IEnumerable<Step> List(Environ environ, StartResponse startResponse)
    {
        var query = environ.Query;
        if (!Bounded(query, "limit", 20, 1, 100, out var limit, out var problem)
            || !Bounded(query, "after", 0, 0, long.MaxValue, out var after, out problem)
            || !Bounded(query, "wait_ms", 0, 0, 60_000, out var waitMs, out problem))
        {
            yield return Body(startResponse, "400 Bad Request", new { error = problem });
            yield break;
        }
        var page = store.ListAsync((int)limit, after, (int)waitMs, environ.Aborted);
        yield return page;
        var items = page.GetAwaiter().GetResult();
        yield return Body(startResponse, "200 OK", new { items, next = items.Count == limit ? items[^1].Id : (long?)null });
    }

    private IEnumerable<Step> Create(Environ environ, StartResponse startResponse)
    {
        var body = ReadBody(environ);
        yield return body;
        if (!TryParse(body, out var request, out var problem) || request!.Title is not { } title)
        {
            yield return Body(startResponse, "400 Bad Request", new { error = problem ?? "\"title\" is required" });
            yield break;
        }
        if (TitleProblem(title) is { } titleProblem)
        {
            yield return Body(startResponse, "400 Bad Request", new { error = titleProblem });
            yield break;
        }
        var created = store.CreateAsync(title, request.Done ?? false, environ.Aborted);
        yield return created;
        var item = created.GetAwaiter().GetResult();
        var json = JsonSerializer.SerializeToUtf8Bytes(item, Json);
        startResponse("201 Created", [
            new("Content-Type", "application/json"),
            new("Location", $"{environ.ScriptName}/{item.Id}"),
            new("Content-Length", json.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        yield return json;
    }

    private IEnumerable<Step> Get(Environ environ, StartResponse startResponse, long id)
    {
        var found = store.GetAsync(id, environ.Aborted);
        yield return found;
        yield return found.GetAwaiter().GetResult() is { } item
            ? Body(startResponse, "200 OK", item)
            : Body(startResponse, "404 Not Found", new { error = $"no todo {id}" });
    }

    private IEnumerable<Step> Update(Environ environ, StartResponse startResponse, long id)
    {
        var body = ReadBody(environ);
        yield return body;
        if (!TryParse(body, out var request, out var problem))
        {
            yield return Body(startResponse, "400 Bad Request", new { error = problem });
            yield break;
        }
        if (request!.Title is { } title && TitleProblem(title) is { } titleProblem)
        {
            yield return Body(startResponse, "400 Bad Request", new { error = titleProblem });
            yield break;
        }
        var updated = store.UpdateAsync(id, request.Title, request.Done, environ.Aborted);
        yield return updated;
        yield return updated.GetAwaiter().GetResult() is { } item
            ? Body(startResponse, "200 OK", item)
            : Body(startResponse, "404 Not Found", new { error = $"no todo {id}" });
    }

    private IEnumerable<Step> Delete(Environ environ, StartResponse startResponse, long id)
    {
        var deleted = store.DeleteAsync(id, environ.Aborted);
        yield return deleted;
        if (deleted.GetAwaiter().GetResult())
        {
            startResponse("204 No Content", []);
            yield break;
        }
        yield return Body(startResponse, "404 Not Found", new { error = $"no todo {id}" });
    }

    private static Task<byte[]> ReadBody(Environ environ) => environ.Input.ReadToEndAsync(MaxBody);

    private static bool TryParse(Task<byte[]> body, out TodoRequest? request, out string? problem)
    {
        request = null;
        problem = null;
        try
        {
            request = JsonSerializer.Deserialize<TodoRequest>(body.GetAwaiter().GetResult(), Json);
            if (request is null)
                problem = "the body must be a JSON object";
        }
        catch (JsonException e)
        {
            problem = $"the body is not a todo in JSON: {e.Message}";
        }
        return request is not null;
    }

    private static string? TitleProblem(string title) =>
        title.Trim().Length == 0 ? "\"title\" is empty"
        : title.Length > MaxTitle ? $"\"title\" is longer than {MaxTitle} characters"
        : null;

    private static bool Bounded(IReadOnlyDictionary<string, string> query, string name, long fallback, long min, long max, out long value, out string? problem)
    {
        problem = null;
        value = fallback;
        if (!query.TryGetValue(name, out var text))
            return true;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            return true;
        problem = $"{name} must be a whole number from {min} to {max}";
        return false;
    }

    private static IEnumerable<Step> Answer(StartResponse startResponse, string status, object value)
    {
        yield return Body(startResponse, status, value);
    }

    private static byte[] Body(StartResponse startResponse, string status, object value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json);
        startResponse(status, [new("Content-Type", "application/json"), new("Content-Length", json.Length.ToString(CultureInfo.InvariantCulture))]);
        return json;
    }

    private sealed record TodoRequest(string? Title, bool? Done);
}
