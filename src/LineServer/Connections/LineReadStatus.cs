namespace OrleansDist.LineServer.Connections;

internal enum LineReadStatus
{
    Line,

    /// <summary>The client closed its side (or the connection broke); an unterminated last line is dropped.</summary>
    EndOfStream,

    /// <summary>The line exceeds <see cref="LineServerOptions.MaxRequestLineLength"/>: the connection must be closed.</summary>
    TooLong,

    /// <summary>No complete line within the idle timeout given to the read.</summary>
    TimedOut,
}
