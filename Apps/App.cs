namespace Resume.Apps;

/// <summary>
/// A WSGI+ application: an iterator of <see cref="Step"/>s. Each step is a body chunk or a future the
/// server waits on (holding no thread) before it resumes the iterator. Disposing the iterator
/// (a <c>finally</c> block) is WSGI's <c>close()</c>: the server does it exactly once on every path.
/// </summary>
public delegate IEnumerable<Step> App(Environ environ, StartResponse startResponse);

/// <summary>
/// Sets the status (<c>"200 OK"</c>) and headers. Call it before the first non-empty chunk; a second call
/// needs <paramref name="error"/>, which replaces the response if headers are unsent and is rethrown if not.
/// Returns the legacy imperative <see cref="Write"/>.
/// </summary>
public delegate Write StartResponse(string status, IReadOnlyList<KeyValuePair<string, string>> headers, Exception? error = null);

/// <summary>
/// Queues a body chunk (sending headers first if needed). The next step runs only after the data is
/// accepted downstream. Throws once the client has gone.
/// </summary>
public delegate void Write(ReadOnlyMemory<byte> data);
