namespace OrleansDist.AdoNet.Tests.Grains;

[GenerateSerializer]
[Alias("OrleansDist.AdoNet.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public List<string> History { get; set; } = [];
}
