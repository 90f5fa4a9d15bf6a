using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Resume.Actors.Cluster;

/// <summary>
/// Ids for <see cref="EntityRequest"/>s: a random half drawn once per process, so that no two nodes
/// share one, and a counter. An id only has to be unique among the asks an entity remembers;
/// <see cref="Guid.NewGuid"/> asked the kernel for random bytes on every ask (getrandom, in the remote
/// ask's profile).
/// </summary>
internal static class EntityRequestIds
{
    private static readonly ulong ProcessHalf = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter;

    public static Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ProcessHalf);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], Interlocked.Increment(ref _counter));
        return new Guid(bytes);
    }
}
