namespace Resume.Actors.Tests.Support;

/// <summary>
/// One request of a load as its client saw it: what (<paramref name="Kind"/>), to which node, when
/// (on the load's clock), the status if a response came, and why it failed (null: it got the status
/// and body expected).
/// </summary>
public sealed record RequestOutcome(string Kind, int Node, TimeSpan Start, TimeSpan End, int? Status, string? Error)
{
    public bool Failed => Error is not null;

    public override string ToString() =>
        $"{Kind} to node {Node} at +{Start.TotalSeconds:0.000} s for {(End - Start).TotalMilliseconds:0} ms: {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response"} {Error}";
}
