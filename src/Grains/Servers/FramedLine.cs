namespace OrleansDist.Grains.Servers;

/// <summary>What the framer found in the byte stream.</summary>
public enum FramedLineKind
{
    /// <summary>A complete line (without its <c>\n</c> or <c>\r\n</c>).</summary>
    Line,

    /// <summary>A line grew past the limit: the framer drops the rest of it, up to the next <c>\n</c>.</summary>
    TooLong,

    /// <summary>A complete line whose bytes are not UTF-8.</summary>
    NotUtf8,
}

/// <summary>One line, or why there is none.</summary>
public readonly record struct FramedLine(FramedLineKind Kind, string Text)
{
    public static FramedLine TooLong { get; } = new(FramedLineKind.TooLong, "");

    public static FramedLine NotUtf8 { get; } = new(FramedLineKind.NotUtf8, "");
}
