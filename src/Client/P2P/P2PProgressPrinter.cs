using System.Globalization;
using System.Text;
using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>
/// Shows a download's progress: on a terminal, a bar per source and a total line, redrawn in place at most four times a
/// second; when output is redirected, one plain line per <c>interval</c> (per source: chunks and rate; total: rate).
/// Rates are measured here, from the bytes seen between two updates.
/// </summary>
internal sealed class P2PProgressPrinter(TextWriter output, bool interactive, TimeSpan interval, string indent = "")
{
    private const int BarWidth = 24;
    private readonly Dictionary<string, (double Seconds, long Bytes, double Rate)> _sources = [];
    private const double RateWindow = 1.0;
    private readonly Dictionary<string, Queue<(double Seconds, long Bytes)>> _samples = [];
    private (double Seconds, long Bytes, double Rate) _total;
    private DateTime _lastPrint = DateTime.MinValue;
    private int _linesDrawn;

    public static P2PProgressPrinter ForConsole(string indent = "") =>
        new(Console.Out, !Console.IsOutputRedirected, Console.IsOutputRedirected ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250), indent);

    public void Report(P2PDownloadStatus status, bool final = false)
    {
        var now = DateTime.UtcNow;
        Measure(status);
        if (!final && now - _lastPrint < interval)
        {
            return;
        }

        _lastPrint = now;
        if (interactive)
        {
            Redraw(status);
        }
        else
        {
            output.WriteLine(PlainLine(status));
        }
    }

    private void Measure(P2PDownloadStatus status)
    {
        var t = status.ElapsedSeconds;
        var final = status.State != P2PDownloadState.Running;
        foreach (var source in status.Sources)
        {
            _sources[source.Peer] = Rate(source.Peer, t, source.Bytes, final);
        }

        _total = Rate("", t, status.FetchedBytes, final);
    }

    /// <summary>Bytes per second over the last second or so (chunks arrive whole, so shorter windows jump); over the
    /// whole download once it is over.</summary>
    private (double, long, double) Rate(string key, double seconds, long bytes, bool final)
    {
        if (!_samples.TryGetValue(key, out var samples))
        {
            _samples[key] = samples = new Queue<(double, long)>();
            samples.Enqueue((0, 0));
        }

        samples.Enqueue((seconds, bytes));
        while (samples.Count > 2 && seconds - samples.ElementAt(1).Item1 >= RateWindow)
        {
            samples.Dequeue();
        }

        var (t0, b0) = final ? (0, 0) : samples.Peek();
        var rate = seconds - t0 > 0 ? (bytes - b0) / (seconds - t0) : 0;
        return (seconds, bytes, rate);
    }

    private string PlainLine(P2PDownloadStatus status)
    {
        var sources = string.Join("  ", status.Sources.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Peer}:{s.Chunks}ch {ByteSize.FormatRate(_sources.GetValueOrDefault(s.Peer).Rate)}{(s.DroppedBecause is null ? "" : " DROPPED")}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{indent}{status.ElapsedSeconds,6:0.0} s  {status.VerifiedChunks,5}/{status.ChunkCount} chunks ({Percent(status),5:0.0}%)  {ByteSize.FormatRate(_total.Rate),12}  {StateText(status)}  [{sources}]");
    }

    private void Redraw(P2PDownloadStatus status)
    {
        var text = new StringBuilder();
        if (_linesDrawn > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\u001b[{_linesDrawn}F");
        }

        var lines = new List<string>();
        var width = Math.Max(6, status.Sources.Select(s => s.Peer.Length).DefaultIfEmpty(6).Max());
        foreach (var s in status.Sources)
        {
            var share = status.Size == 0 ? 0 : s.Bytes / (double)status.Size;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{indent}{s.Peer.PadRight(width)} {Bar(share)} {s.Chunks,5} chunks {ByteSize.FormatRate(_sources.GetValueOrDefault(s.Peer).Rate),12}{(s.DroppedBecause is null ? "" : "  dropped: " + s.DroppedBecause)}"));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{indent}{"total".PadRight(width)} {Bar(Percent(status) / 100)} {status.VerifiedChunks,5}/{status.ChunkCount} ({Percent(status):0.0}%) {ByteSize.FormatRate(_total.Rate),12}  {status.ElapsedSeconds:0.0} s  {StateText(status)}"));
        foreach (var line in lines)
        {
            text.Append(line).Append("\u001b[K\n");
        }

        _linesDrawn = lines.Count;
        output.Write(text.ToString());
        output.Flush();
    }

    private static string Bar(double fraction)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * BarWidth);
        return "[" + new string('#', filled) + new string('.', BarWidth - filled) + "]";
    }

    private static double Percent(P2PDownloadStatus status) => status.ChunkCount == 0 ? 100 : 100.0 * status.VerifiedChunks / status.ChunkCount;

    private static string StateText(P2PDownloadStatus status) => status.State switch
    {
        P2PDownloadState.Running => "running",
        P2PDownloadState.Completed => "verified",
        _ => "FAILED",
    };
}
