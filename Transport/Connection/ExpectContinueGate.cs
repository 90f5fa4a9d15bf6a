namespace Resume.Transport.Connection;

/// <summary>
/// <c>Expect: 100-continue</c>: the client holds its body back until told to send it. The interim
/// <c>100 Continue</c> is owed once the app first asks for the body, and sent only while that
/// request's response is at the front and has not begun. A response that comes without the body
/// having been asked for ends the expectation: the client may then send the body or not.
/// </summary>
internal sealed class ExpectContinueGate
{
    private const long None = -1;

    private long _expecting = None;
    private bool _owed;

    /// <summary>Request <paramref name="seq"/> sent <c>Expect: 100-continue</c> with a body.</summary>
    public void Expect(long seq) => _expecting = seq;

    /// <summary>The app of request <paramref name="seq"/> asks for its body; true if that makes a 100 Continue owed.</summary>
    public bool OnRead(long seq)
    {
        if (seq != _expecting)
            return false;
        _expecting = None;
        _owed = true;
        return true;
    }

    /// <summary>Takes the owed 100 Continue if it may go now: its request's response is at the front and has not begun.</summary>
    public bool TryTakeOwed(bool requestAtFrontNotStarted)
    {
        if (!_owed || !requestAtFrontNotStarted)
            return false;
        _owed = false;
        return true;
    }

    /// <summary>Request <paramref name="seq"/>'s response leaves; true if its body was never asked for (the client may not send it).</summary>
    public bool AnsweredUnread(long seq)
    {
        if (seq != _expecting)
            return false;
        _expecting = None;
        return true;
    }

    /// <summary>The front response ended: a 100 Continue not sent by now is no longer wanted.</summary>
    public void ResponseEnded() => _owed = false;
}
