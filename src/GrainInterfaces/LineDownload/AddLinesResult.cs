namespace Dist.GrainInterfaces.LineDownload;

/// <param name="Accepted">How many of the lines sent were new to the collection.</param>
/// <param name="Collected">Distinct lines the collection holds now.</param>
/// <param name="CollectedBitmap">Bit n set = line n is held: fetchers drop those at the edge.</param>
/// <param name="Stop">The download is complete (or cancelled): the fetcher stops asking for lines.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.LineDownload.AddLinesResult")]
public sealed record AddLinesResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Collected,
    [property: Id(2)] byte[] CollectedBitmap,
    [property: Id(3)] bool Stop);
