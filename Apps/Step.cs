using System.Text;

namespace Resume.Apps;

/// <summary>
/// One thing an app yields. Implicit conversions keep app code plain:
/// <code>
/// yield return "Hello"u8.ToArray();           // a body chunk
/// yield return "text";                        // a body chunk, UTF-8
/// yield return http.GetStringAsync(url);      // a future: suspend until it completes
/// </code>
/// </summary>
public readonly struct Step
{
    private Step(StepKind kind, ReadOnlyMemory<byte> chunk, Task? future)
    {
        Kind = kind;
        Chunk = chunk;
        Future = future;
    }

    public StepKind Kind { get; }

    /// <summary>The body bytes of a <see cref="StepKind.Chunk"/> step.</summary>
    public ReadOnlyMemory<byte> Chunk { get; }

    /// <summary>The future of a <see cref="StepKind.Wait"/> step.</summary>
    public Task? Future { get; }

    public static Step Bytes(ReadOnlyMemory<byte> chunk) => new(StepKind.Chunk, chunk, null);

    public static Step Wait(Task future) =>
        new(StepKind.Wait, default, future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>Resumes the app when <paramref name="socket"/> has data to read (or has reached its end).</summary>
    public static Step Readable(System.Net.Sockets.Socket socket, CancellationToken cancellation = default) =>
        Wait(FutureKind.Label(SocketReadiness.WhenReadable(socket, cancellation), FutureKind.Readiness));

    /// <summary>Resumes the app when <paramref name="socket"/> can take more bytes.</summary>
    public static Step Writable(System.Net.Sockets.Socket socket, CancellationToken cancellation = default) =>
        Wait(FutureKind.Label(SocketReadiness.WhenWritable(socket, cancellation), FutureKind.Readiness));

    /// <summary>
    /// The set form: resumes the app when any of <paramref name="readers"/> is readable or any of
    /// <paramref name="writers"/> writable; <paramref name="ready"/> then tells which are.
    /// </summary>
    public static Step Ready(
        IReadOnlyList<System.Net.Sockets.Socket> readers,
        IReadOnlyList<System.Net.Sockets.Socket> writers,
        out Task<ReadySockets> ready,
        CancellationToken cancellation = default)
    {
        ready = FutureKind.Label(SocketReadiness.WhenAny(readers, writers, cancellation), FutureKind.Readiness);
        return Wait(ready);
    }

    /// <summary>An empty chunk: nothing is sent; repeated ones make the server back off.</summary>
    public static Step Empty => new(StepKind.Chunk, default, null);

    public static implicit operator Step(byte[] chunk) => Bytes(chunk);

    public static implicit operator Step(ReadOnlyMemory<byte> chunk) => Bytes(chunk);

    public static implicit operator Step(Memory<byte> chunk) => Bytes(chunk);

    public static implicit operator Step(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    public static implicit operator Step(Task future) => Wait(future);

    public override string ToString() =>
        Kind == StepKind.Chunk ? $"Chunk({Chunk.Length} bytes)" : $"Wait({Future!.Status})";
}
