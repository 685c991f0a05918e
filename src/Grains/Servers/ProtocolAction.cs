namespace OrleansDist.Grains.Servers;

/// <summary>What the server does with one line.</summary>
public enum ProtocolActionKind
{
    /// <summary>Work on the task, then answer <see cref="TaskProtocol.Reply"/> of its text.</summary>
    RunTask,

    /// <summary>Answer <c>Goodbye!</c> and close the connection.</summary>
    Exit,

    /// <summary>Answer the error line at once; the connection stays open.</summary>
    Error,
}

/// <param name="Text">The task's text (<see cref="ProtocolActionKind.RunTask"/>) or the whole reply line without its newline.</param>
public readonly record struct ProtocolAction(ProtocolActionKind Kind, string Text);
