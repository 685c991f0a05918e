namespace Dist.GrainInterfaces.LineDownload;

/// <summary>Line <paramref name="Number"/> (0-based) of the server's file, and its text.</summary>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.NumberedLine")]
public readonly record struct NumberedLine([property: Id(0)] int Number, [property: Id(1)] string Text);
