namespace OrleansDist.LineServer;

/// <summary>Kinds of malformed SENDLINE replies the server can inject (see <see cref="LineServerOptions.FaultRate"/>).</summary>
[Flags]
public enum ReplyFaults
{
    None = 0,

    /// <summary>The line-number line is not an integer: <c>NaN\n&lt;text&gt;\n</c>.</summary>
    NotANumber = 1,

    /// <summary>The text line lacks its newline: <c>&lt;n&gt;\n&lt;text&gt;</c>, so it runs into the next reply.</summary>
    MissingNewline = 2,

    /// <summary>The text line is longer than 64 KiB (the line, repeated), so a client that bounds its lines must reject it.</summary>
    Overlong = 4,

    All = NotANumber | MissingNewline | Overlong,
}
