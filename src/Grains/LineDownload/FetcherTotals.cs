using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>One fetcher's counters summed over its activations.</summary>
[GenerateSerializer, Alias("OrleansDist.LineDownload.FetcherTotals")]
public sealed class FetcherTotals
{
    [Id(0)]
    public long Requests { get; set; }

    [Id(1)]
    public long LinesReceived { get; set; }

    [Id(2)]
    public long NewLines { get; set; }

    [Id(3)]
    public long Duplicates { get; set; }

    [Id(4)]
    public long MinusOneReplies { get; set; }

    [Id(5)]
    public long Reconnects { get; set; }

    [Id(6)]
    public long MalformedReplies { get; set; }

    [Id(7)]
    public int Restarts { get; set; }

    [Id(9)]
    public long ThrottledDraws { get; set; }

    [Id(10)]
    public long ThrottledMicroseconds { get; set; }

    [Id(8)]
    public string Silo { get; set; } = "";

    public void Add(FetcherCounters counters)
    {
        Requests += counters.Requests;
        LinesReceived += counters.LinesReceived;
        Duplicates += counters.Duplicates;
        MinusOneReplies += counters.MinusOneReplies;
        Reconnects += counters.Reconnects;
        MalformedReplies += counters.MalformedReplies;
        ThrottledDraws += counters.ThrottledDraws;
        ThrottledMicroseconds += counters.ThrottledMicroseconds;
        if (counters.Silo.Length > 0)
        {
            Silo = counters.Silo;
        }
    }
}
