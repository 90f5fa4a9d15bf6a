using Npgsql;
using Resume.Actors.Tests.Support;

namespace Resume.Actors.Tests.Database;

/// <summary>One PostgreSQL server for the database tests, each test in a schema of its own.</summary>
public sealed class PostgresFixture : IDisposable
{
    private int _schemas;

    public PostgresServer Server { get; } = PostgresServer.Start();

    /// <summary>A data source whose connections use a new, empty schema; at most <paramref name="pool"/> of them.</summary>
    public async Task<NpgsqlDataSource> NewSchemaAsync(int pool = 20)
    {
        var schema = $"test_{Interlocked.Increment(ref _schemas)}";
        await using (var admin = NpgsqlDataSource.Create(Server.ConnectionString(2)))
        await using (var create = admin.CreateCommand($"CREATE SCHEMA {schema}"))
            await create.ExecuteNonQueryAsync();
        return NpgsqlDataSource.Create($"{Server.ConnectionString(pool)};Search Path={schema}");
    }

    public void Dispose() => Server.Dispose();
}
