namespace Resume.Actors.Proxies;

/// <summary>What trusted proxies said of the client: its address, port and scheme, each null where they did not say.</summary>
public readonly record struct ForwardedClient(string? Address, string? Port, string? Scheme);
