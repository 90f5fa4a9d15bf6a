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

    /// <summary>An empty chunk: nothing is sent; repeated ones make the server back off.</summary>
    public static Step Empty => new(StepKind.Chunk, default, null);

    public static implicit operator Step(byte[] chunk) => Bytes(chunk);

    public static implicit operator Step(ReadOnlyMemory<byte> chunk) => Bytes(chunk);

    public static implicit operator Step(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    public static implicit operator Step(Task future) => Wait(future);

    public override string ToString() =>
        Kind == StepKind.Chunk ? $"Chunk({Chunk.Length} bytes)" : $"Wait({Future!.Status})";
}
