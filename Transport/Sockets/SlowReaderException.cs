namespace Resume.Transport.Sockets;

/// <summary>The client read a response slower than the minimum response rate: the connection was reset.</summary>
public sealed class SlowReaderException(long bytesPerSecond)
    : IOException($"The client read the response slower than {bytesPerSecond} bytes/s; the connection was reset.");
