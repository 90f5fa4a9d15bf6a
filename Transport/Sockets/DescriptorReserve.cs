using Microsoft.Win32.SafeHandles;

namespace Resume.Transport.Sockets;

/// <summary>
/// A few file descriptors held open (on /dev/null) to give back when the process runs out: the
/// runtime needs descriptors of its own to start a thread or load an assembly, and when it finds none
/// it aborts the process (PAL_SEHException, measured: the thread pool's gate thread starting a worker,
/// 20–30 s into an exhaustion). Released when an accept meets EMFILE, and taken again before accepting
/// resumes, so accepting always leaves that much room. Nothing is held where there is no /dev/null.
/// </summary>
public sealed class DescriptorReserve(int size) : IDisposable
{
    private readonly List<SafeFileHandle> _held = new(size);

    /// <summary>Whether the reserve is held (always true where there is nothing to hold).</summary>
    public bool Held => _held.Count == size || !OperatingSystem.IsLinux();

    /// <summary>
    /// Takes the reserve again, if there is room for it and one descriptor more (the next accept's);
    /// false, holding nothing, if not: then the process is not brought back to its limit just to learn
    /// that accepting still fails.
    /// </summary>
    public bool TryTake()
    {
        if (Held)
            return true;
        try
        {
            while (_held.Count <= size)
                _held.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            _held[^1].Dispose();
            _held.RemoveAt(_held.Count - 1);
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
