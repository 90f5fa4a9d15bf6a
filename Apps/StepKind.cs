namespace Resume.Apps;

/// <summary>What a <see cref="Step"/> asks of the server.</summary>
public enum StepKind
{
    /// <summary>Send a body chunk; an empty one sends nothing and the server backs off.</summary>
    Chunk,

    /// <summary>Suspend until a future completes, in any way; the app reads the outcome from it.</summary>
    Wait,
}
