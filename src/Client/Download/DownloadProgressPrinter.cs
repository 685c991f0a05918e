using System.Globalization;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Client.Download;

/// <summary>
/// Prints a download's progress, at most once per interval: lines held, the rate over the last interval, and per fetcher
/// the silo it runs on, its new lines, requests and <c>-1</c> replies, with the last error of any fetcher that has one.
/// </summary>
internal sealed class DownloadProgressPrinter(TextWriter output, TimeSpan interval, string prefix = "")
{
    private TimeSpan _lastPrinted = TimeSpan.MinValue;
    private int _lastCollected;
    private TimeSpan _lastElapsed;
    private readonly Dictionary<int, string> _errorsShown = [];

    public void Update(DownloadStatus status, TimeSpan elapsed, string? notice, bool force = false)
    {
        if (!force && _lastPrinted != TimeSpan.MinValue && elapsed - _lastPrinted < interval)
        {
            return;
        }

        var seconds = (elapsed - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (status.Collected - _lastCollected) / seconds : 0;
        _lastPrinted = elapsed;
        _lastCollected = status.Collected;
        _lastElapsed = elapsed;
        var percent = status.ExpectedLines == 0 ? 0 : 100.0 * status.Collected / status.ExpectedLines;
        var fetchers = string.Join("  ", status.Fetchers.Select(f =>
            string.Create(CultureInfo.InvariantCulture, $"f{f.Index}@{Short(f.Silo)}:{f.NewLines}/{f.Requests}{(f.MinusOneReplies > 0 ? $"/-1×{f.MinusOneReplies}" : "")}{(f.Connected || f.SilentForMs is null ? "" : " (down)")}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{elapsed.TotalSeconds,6:0.0} s  {status.Collected,5}/{status.ExpectedLines} ({percent,5:0.0}%)  {rate,6:0.0} lines/s  {Phase(status)}  collection@{Short(status.CollectionSilo)}  [{fetchers}]{(notice is null ? "" : "  " + notice)}"));
        foreach (var fetcher in status.Fetchers)
        {
            if (fetcher.LastError is { } error && _errorsShown.GetValueOrDefault(fetcher.Index) != error)
            {
                _errorsShown[fetcher.Index] = error;
                output.WriteLine($"{prefix}         fetcher {fetcher.Index}: {error}");
            }
        }
    }

    private static string Phase(DownloadStatus status) => status.Phase switch
    {
        DownloadPhase.Downloading => "fetching",
        DownloadPhase.Submitting => "submitting",
        DownloadPhase.Submitted => "submitted",
        _ => status.Phase.ToString().ToLowerInvariant(),
    };

    private static string Short(string silo) => silo.Length == 0 ? "?" : silo;
}
