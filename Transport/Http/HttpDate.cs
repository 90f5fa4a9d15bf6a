using System.Globalization;
using System.Text;

namespace Resume.Transport.Http;

/// <summary>The <c>Date:</c> header line, formatted once a second.</summary>
internal static class HttpDate
{
    private static volatile Cached _cached = new(0, []);

    public static byte[] HeaderLine
    {
        get
        {
            var now = DateTime.UtcNow;
            var second = now.Ticks / TimeSpan.TicksPerSecond;
            var cached = _cached;
            if (cached.Second == second)
                return cached.Line;
            var line = Encoding.ASCII.GetBytes("Date: " + now.ToString("r", CultureInfo.InvariantCulture) + "\r\n");
            _cached = new Cached(second, line);
            return line;
        }
    }

    private sealed record Cached(long Second, byte[] Line);
}
