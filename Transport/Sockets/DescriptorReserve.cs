using Microsoft.Win32.SafeHandles;

namespace Resume.Transport.Sockets;

/// <summary>
/// A few file descriptors held open (on /dev/null) to give back when the process runs out: the
/// runtime needs descriptors of its own to start a thread (a new thread opens a few files and a pipe
/// as it starts) or load an assembly, and when it finds none it aborts the process ("Out of memory",
/// or PAL_SEHException; measured: the thread pool starting a worker 10–30 s into an exhaustion). Released when an accept
/// meets EMFILE, and taken again before accepting resumes, so accepting always leaves that much room.
/// Nothing is held where there is no /dev/null.
/// </summary>
/// <param name="size">How many descriptors it holds.</param>
/// <param name="freeDescriptors">How many more the process may open now (<see cref="DescriptorLimit.Free"/>); null if unknown.</param>
public sealed class DescriptorReserve(int size, Func<long?> freeDescriptors) : IDisposable
{
    private readonly List<SafeFileHandle> _held = new(size);

    public DescriptorReserve(int size)
        : this(size, () => DescriptorLimit.Free)
    {
    }

    /// <summary>Whether the reserve is held (always true where there is nothing to hold).</summary>
    public bool Held => _held.Count == size || !OperatingSystem.IsLinux();

    /// <summary>
    /// Takes the reserve again if, once it is held, as many descriptors again and one more (the next
    /// accept's) are still free; false, holding nothing, if not. It counts before it opens anything:
    /// probing by opening until it fails would take the process's last descriptors for a moment, every
    /// retry, and a thread the runtime starts in that moment takes the process down.
    /// </summary>
    public bool TryTake()
    {
        if (Held)
            return true;
        if (freeDescriptors() is { } free && free < 2L * size + 1)
            return false;
        try
        {
            while (_held.Count < size)
                _held.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return true;
        }
        catch (IOException)
        {
            Release();
            return false;
        }
    }

    /// <summary>Gives the descriptors back to the process.</summary>
    public void Release()
    {
        foreach (var handle in _held)
            handle.Dispose();
        _held.Clear();
    }

    public void Dispose() => Release();
}
