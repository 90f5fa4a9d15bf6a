using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Resume.Actors.Hosting;
using Resume.Samples.Todo;

// The todo sample served as an app author would serve theirs: the generic host, a pooled data source
// (TODO_DB, an Npgsql connection string; a pool of 20 unless it says), and AddResume.
var connectionString = Environment.GetEnvironmentVariable("TODO_DB")
    ?? throw new InvalidOperationException("Set TODO_DB to an Npgsql connection string, e.g. Host=127.0.0.1;Username=todo;Database=todo");
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
builder.Services.AddSingleton(services => new TodoStore(services.GetRequiredService<NpgsqlDataSource>()));
builder.Services.AddResume(resume =>
{
    resume.CommandLine = CommandLine.Parse(args);   // --host, --port, --config, ... as the stock executable takes them
    resume.Mount("/todos", services => new TodoApp(services.GetRequiredService<TodoStore>()).Run);
});
var host = builder.Build();
await host.Services.GetRequiredService<TodoStore>().CreateSchemaAsync();
await host.RunAsync();
