namespace Resume.Samples.Todo;

/// <summary>A row of the todos table, as the API answers it.</summary>
public sealed record TodoItem(long Id, string Title, bool Done, DateTimeOffset CreatedAt);
