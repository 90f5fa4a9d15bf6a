using Resume.Apps;

namespace Resume.Actors.Requests;

/// <summary>
/// <c>wsgi.input</c> of a request without a body (most GETs): every read is at the end at once. A
/// fraction of a <see cref="StreamedRequestInput"/>'s size, whose gate, stage and read state such a
/// request never needs.
/// </summary>
internal sealed class NoRequestBody(CancellationToken aborted, bool allowsSyncReads) : RequestInput(aborted, allowsSyncReads)
{
    private static readonly Task<ReadOnlyMemory<byte>> End = Task.FromResult(ReadOnlyMemory<byte>.Empty);

    protected override Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes, CancellationToken cancellation) => End;
}
