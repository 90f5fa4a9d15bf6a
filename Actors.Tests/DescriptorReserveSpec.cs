using Microsoft.Win32.SafeHandles;
using Resume.Transport.Sockets;

namespace Resume.Actors.Tests;

/// <summary>
/// The descriptors the accept source keeps for the runtime, and how it counts what is free: taking the
/// reserve back must never bring the process to its limit, even for a moment.
/// </summary>
public sealed class DescriptorReserveSpec
{
    private const int Size = 32;

    [Fact]
    public void With_too_few_descriptors_free_it_takes_none_rather_than_the_last_ones()
    {
        using var reserve = new DescriptorReserve(Size, () => 2 * Size);
        Assert.False(reserve.TryTake());
        Assert.Equal(!OperatingSystem.IsLinux(), reserve.Held);
    }

    [Fact]
    public void With_room_for_itself_as_much_again_and_the_next_accept_it_takes_the_reserve_and_gives_it_back()
    {
        using var reserve = new DescriptorReserve(Size, () => 2 * Size + 1);
        Assert.True(reserve.TryTake());
        Assert.True(reserve.Held);
        reserve.Release();
        Assert.Equal(!OperatingSystem.IsLinux(), reserve.Held);
        Assert.True(reserve.TryTake());
    }

    [Fact]
    public void Free_descriptors_are_the_soft_limit_less_those_open()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var soft = DescriptorLimit.Soft!.Value;
        var held = new List<SafeFileHandle>();
        try
        {
            for (var i = 0; i < 100; i++)
                held.Add(File.OpenHandle("/dev/null"));
            var free = DescriptorLimit.Free!.Value;
            Assert.InRange(free, 0, soft - held.Count - 3);
        }
        finally
        {
            foreach (var handle in held)
                handle.Dispose();
        }
    }
}
