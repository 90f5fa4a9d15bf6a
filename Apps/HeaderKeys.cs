using System.Collections.Concurrent;

namespace Resume.Apps;

/// <summary>
/// The environ key of a request header (<c>User-Agent</c> → <c>HTTP_USER_AGENT</c>). Clients send
/// the same few names over and over, so keys are remembered by the name as sent, up to a bound
/// that a client making up names cannot push memory past.
/// </summary>
internal static class HeaderKeys
{
    private const int MaxRemembered = 1024;

    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    // Counted apart: ConcurrentDictionary.Count takes every lock, and invented names would pay it each time.
    private static int _remembered;

    public static string For(string headerName)
    {
        if (Remembered.TryGetValue(headerName, out var key))
            return key;
        key = string.Create(5 + headerName.Length, headerName, static (span, name) =>
        {
            "HTTP_".CopyTo(span);
            for (var i = 0; i < name.Length; i++)
            {
                var c = char.ToUpperInvariant(name[i]);
                span[5 + i] = c == '-' ? '_' : c;
            }
        });
        if (Volatile.Read(ref _remembered) < MaxRemembered && Remembered.TryAdd(headerName, key))
            Interlocked.Increment(ref _remembered);
        return key;
    }
}
