namespace Resume.Actors.Tests.Contract;

/// <summary>
/// What one run of a scenario showed: the status the client got, the app's own headers and body (null
/// when the server answered with its own error response instead), whether the response was cut short,
/// how often the iterator was disposed, and what the app saw (exceptions, "aborted").
/// </summary>
public sealed record Observed(int Status, string? Headers, string? Body, bool Truncated, int Disposals, string Seen);
