using System.Globalization;

namespace Resume.Apps.Samples;

/// <summary>Header lists the samples share.</summary>
internal static class Responses
{
    public static KeyValuePair<string, string>[] Sized(string contentType, long length) =>
        [new("Content-Type", contentType), new("Content-Length", length.ToString(CultureInfo.InvariantCulture))];

    public static KeyValuePair<string, string>[] Streamed(string contentType) => [new("Content-Type", contentType)];
}
