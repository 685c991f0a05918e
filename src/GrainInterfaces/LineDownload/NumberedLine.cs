namespace OrleansDist.GrainInterfaces.LineDownload;

/// <summary>Line <paramref name="Number"/> (0-based) of the server's file, and its text.</summary>
public readonly record struct NumberedLine(int Number, string Text);
