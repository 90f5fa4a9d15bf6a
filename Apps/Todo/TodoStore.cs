using Npgsql;

namespace Resume.Samples.Todo;

/// <summary>
/// The todos table, through a pooled data source: every query is a future the app yields, waiting
/// for a pooled connection included, so a request that waits for the database holds no thread; a
/// cancelled token (the client left) cancels the query on the server too (Npgsql sends the cancel).
/// </summary>
public sealed class TodoStore(NpgsqlDataSource db)
{
    public async Task CreateSchemaAsync(CancellationToken cancellation = default)
    {
        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS todos (
                id bigserial PRIMARY KEY,
                title text NOT NULL,
                done boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now())
            """);
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    public async Task<TodoItem> CreateAsync(string title, bool done, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("INSERT INTO todos (title, done) VALUES ($1, $2) RETURNING id, title, done, created_at");
        command.Parameters.Add(new() { Value = title });
        command.Parameters.Add(new() { Value = done });
        return (await ReadAsync(command, cancellation).ConfigureAwait(false))[0];
    }

    /// <summary>Up to <paramref name="limit"/> todos with ids above <paramref name="after"/>, in id order (keyset paging); the database first waits <paramref name="waitMs"/>.</summary>
    public async Task<IReadOnlyList<TodoItem>> ListAsync(int limit, long after, int waitMs, CancellationToken cancellation)
    {
        if (waitMs > 0)
        {
            await using var pause = db.CreateCommand("SELECT pg_sleep($1)");
            pause.Parameters.Add(new() { Value = waitMs / 1000.0 });
            await pause.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        await using var command = db.CreateCommand("SELECT id, title, done, created_at FROM todos WHERE id > $1 ORDER BY id LIMIT $2");
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAsync(command, cancellation).ConfigureAwait(false);
    }

    public async Task<TodoItem?> GetAsync(long id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("SELECT id, title, done, created_at FROM todos WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellation).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>Changes what is given; null if there is no such todo.</summary>
    public async Task<TodoItem?> UpdateAsync(long id, string? title, bool? done, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            "UPDATE todos SET title = coalesce($2, title), done = coalesce($3, done) WHERE id = $1 RETURNING id, title, done, created_at");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)title ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)done ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        return (await ReadAsync(command, cancellation).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("DELETE FROM todos WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) == 1;
    }

    private static async Task<List<TodoItem>> ReadAsync(NpgsqlCommand command, CancellationToken cancellation)
    {
        var items = new List<TodoItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            items.Add(new TodoItem(reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return items;
    }
}
