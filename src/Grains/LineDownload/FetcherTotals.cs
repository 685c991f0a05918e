using OrleansDist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>One fetcher's counters summed over its activations.</summary>
public sealed class FetcherTotals
{
    public long Requests { get; set; }

    public long LinesReceived { get; set; }

    public long NewLines { get; set; }

    public long Duplicates { get; set; }

    public long MinusOneReplies { get; set; }

    public long Reconnects { get; set; }

    public long MalformedReplies { get; set; }

    public int Restarts { get; set; }

    public string Silo { get; set; } = "";

    public void Add(FetcherCounters counters)
    {
        Requests += counters.Requests;
        LinesReceived += counters.LinesReceived;
        Duplicates += counters.Duplicates;
        MinusOneReplies += counters.MinusOneReplies;
        Reconnects += counters.Reconnects;
        MalformedReplies += counters.MalformedReplies;
        if (counters.Silo.Length > 0)
        {
            Silo = counters.Silo;
        }
    }
}
