namespace OrleansDist.LineServer.Connections;

internal readonly record struct LineReadResult(LineReadStatus Status, string Line)
{
    public static readonly LineReadResult EndOfStream = new(LineReadStatus.EndOfStream, "");
    public static readonly LineReadResult TooLong = new(LineReadStatus.TooLong, "");
    public static readonly LineReadResult TimedOut = new(LineReadStatus.TimedOut, "");

    public bool IsLine => Status == LineReadStatus.Line;
}
