using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Resume.Actors.Tests.Fuzz;

/// <summary>
/// Generates requests for the demo's apps: one to three HTTP/1.x requests, well-formed but for a rare
/// HTTP/2.0 or gzip coding (bodies sized, chunked with extensions and trailers, or none; pipelined;
/// after empty lines), then mutated at
/// random places (bytes flipped, fragments that smuggle or break framing inserted, ranges deleted or
/// repeated, the input cut short), and cut into writes of random sizes.
/// </summary>
public static class FuzzedRequests
{
    // Apps that answer on their own: not hang, fail, proxy or lineclient (they fail, wait or go out on
    // purpose), and sleep, stream and blocking with their defaults only: a number in their query that
    // a mutation garbles makes the app throw, and the 500 for that is the server doing its job.
    private static readonly string[] Targets =
    [
        "/hello", "/echo", "/echo/a%20b?x=1&y", "/upload", "/reference/", "/reference/echo", "/reference/cookie",
        "/stream", "/sleep", "/blocking", "/missing", "/", "*", "http://t/echo?q",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    private static readonly string[] Fragments =
    [
        "\r\n", "\n", "\r", " ", "\t", ":", ";", "\"", "\0", "\x7F", "\xFF", "\r\n\r\n", "\r\n ",
        "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: identity\r\n",
        "Content-Length: 3\r\n", "Content-Length: -1\r\n", "Content-Length: 99999999999999999999\r\n",
        "Host: u\r\n", "Expect: 100-continue\r\n", "Connection: close\r\n", "0\r\n\r\n", "5;a=\"b\r\n",
        "ffffffffffffffff\r\n", "HTTP/1.0", "HTTP/2.0", " HTTP/1.1\r\n",
    ];

    public static Gen<FuzzCase> Cases =>
        from requests in Gen.Choose(1, 3).SelectMany(n => Request.ArrayOf(n))
        from leading in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        let wellFormed = Concat(Enumerable.Repeat("\r\n"u8.ToArray(), leading).Concat(requests))
        from mutations in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 4)))
        from mutated in Mutate(wellFormed, mutations)
        from pieces in Pieces(mutated.Length)
        select new FuzzCase(mutated, pieces);

    private static Gen<byte[]> Request =>
        from method in Gen.Elements(Methods)
        from target in Gen.Elements(Targets)
        from minor in Gen.Frequency((10, Gen.Constant("1.1")), (2, Gen.Constant("1.0")), (1, Gen.Constant("2.0")))
        from extra in Gen.Choose(0, 3).SelectMany(n => Header.ArrayOf(n))
        from connection in Gen.Elements("", "Connection: close\r\n", "Connection: keep-alive\r\n")
        from expect in Gen.Frequency((5, Gen.Constant("")), (1, Gen.Constant("Expect: 100-continue\r\n")))
        from body in Body
        select Encoding.Latin1.GetBytes(
            $"{method} {target} HTTP/{minor}\r\n{(minor == "1.0" ? "" : "Host: t\r\n")}{string.Concat(extra)}{connection}{expect}{body}");

    private static Gen<string> Header =>
        from name in Gen.Elements("X-Fuzz", "Accept", "Cookie", "Content-Type", "User-Agent", "X_Under")
        from value in Gen.Elements("a", "", "  spaced  ", "x=1; y=2", "\xE9t\xE9", "text/plain", "*/*")
        select $"{name}: {value}\r\n";

    /// <summary>The framing headers, the blank line and the body.</summary>
    private static Gen<string> Body => Gen.OneOf(
        Gen.Constant("\r\n"),
        from length in Gen.Choose(0, 40)
        select $"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n{new string('b', length)}",
        from codings in Gen.Elements("chunked", "chunked", "chunked", "identity, chunked", "gzip, chunked")
        from chunks in Gen.Choose(1, 12).ArrayOf(3)
        from extension in Gen.Elements("", ";a", ";a=b", ";a=\"q \\\" t\"")
        from trailer in Gen.Elements("", "X-Sum: 1\r\n", "Content-Type: text/evil\r\n")
        select $"Transfer-Encoding: {codings}\r\n\r\n"
            + string.Concat(chunks.Select(size => $"{size:x}{extension}\r\n{new string('c', size)}\r\n"))
            + $"0\r\n{trailer}\r\n");

    private static Gen<byte[]> Mutate(byte[] input, int times) =>
        times == 0 ? Gen.Constant(input) : Mutation(input).SelectMany(mutated => Mutate(mutated, times - 1));

    private static Gen<byte[]> Mutation(byte[] input) =>
        from kind in Gen.Choose(0, 4)
        from at in Gen.Choose(0, input.Length)
        from length in Gen.Choose(1, 16)
        from fragment in Gen.Elements(Fragments)
        from value in Gen.Choose(0, 255)
        select kind switch
        {
            0 when at < input.Length => [.. input[..at], (byte)value, .. input[(at + 1)..]],
            1 => [.. input[..at], .. Encoding.Latin1.GetBytes(fragment), .. input[at..]],
            2 => [.. input[..at], .. input[Math.Min(input.Length, at + length)..]],
            3 => [.. input[..Math.Min(input.Length, at + length)], .. input[at..]],
            4 when at > 0 => input[..at],
            _ => input,
        };

    /// <summary>Whole, a byte per write, or random pieces.</summary>
    private static Gen<int[]> Pieces(int length) => Gen.OneOf(
        Gen.Constant(new[] { Math.Max(1, length) }),
        Gen.Constant(Enumerable.Repeat(1, length).ToArray()),
        Gen.Choose(1, 48).ArrayOf(Math.Max(1, length / 8)));

    private static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();
}
