using System.Runtime.InteropServices;

namespace Resume.Transport.Sockets;

/// <summary>
/// The process's limit on open file descriptors (RLIMIT_NOFILE), which bounds the connections it can
/// hold: each is one descriptor. Read and raised on Linux; elsewhere there is nothing to do, and
/// <see cref="Soft"/> is null.
/// </summary>
public static class DescriptorLimit
{
    private const int RlimitNofile = 7;
    private const ulong Infinity = ulong.MaxValue;

    /// <summary>The soft limit, the one the kernel enforces; null where it is not read (not Linux).</summary>
    public static long? Soft => Read() is { } limit ? Clamp(limit.Current) : null;

    /// <summary>
    /// How many more descriptors the process may open now: the soft limit less those open, counted in
    /// /proc/self/fd. Counting takes one descriptor for a moment, so with none free it finds 0. Null
    /// where either is not read (not Linux).
    /// </summary>
    public static long? Free
    {
        get
        {
            if (Soft is not { } soft)
                return null;
            try
            {
                // Less the one the enumeration itself holds open while it lists the directory.
                var open = Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount() - 1;
                return Math.Max(0, soft - open);
            }
            catch (IOException)
            {
                return 0;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Raises the soft limit to the hard one, which any process may do: a service gets every descriptor
    /// its administrator allows instead of the shell's usual 1024. Returns the soft limit after.
    /// </summary>
    public static long? RaiseSoftToHard()
    {
        if (Read() is not { } limit)
            return null;
        if (limit.Current < limit.Maximum && limit.Maximum != Infinity)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNofile, ref raised) == 0)
                return Clamp(raised.Current);
        }
        return Clamp(limit.Current);
    }

    private static RLimit? Read()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return getrlimit(RlimitNofile, out var limit) == 0 ? limit : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // struct rlimit: two rlim_t (unsigned long, 64 bits on every 64-bit Linux).
    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code allowed in the project for this struct; DllImport does not.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);
#pragma warning restore SYSLIB1054
}
