using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dist.GrainInterfaces.Clocks;
using OrleansDist.Client.Reporting;
using OrleansDist.Grains.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// The rounds of a Berkeley run as rows: row k holds every clock's true offset one period after round k's corrections
/// (taken at the start of round k+1, or at the end for the last), the spread, and who round k left out. Row 0 is the
/// state before any round.
/// </summary>
internal sealed class BerkeleyReport(IReadOnlyList<string> clocks, double thresholdMs)
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const int Column = 13;

    /// <summary>Master first, then the clocks as configured, then any external ones (TCP slaves).</summary>
    public IReadOnlyList<string> Columns(BerkeleyStatus status) =>
        [.. new[] { "master" }.Concat(clocks).Concat(status.Snapshots.SelectMany(s => s.Offsets).Where(o => o.External).Select(o => o.Name).Distinct())];

    /// <summary>Row <paramref name="round"/>, when its snapshot exists.</summary>
    public BerkeleyRow? Row(BerkeleyStatus status, int round)
    {
        var snapshot = status.Snapshots.FirstOrDefault(s => s.AfterRound == round);
        if (snapshot is null)
        {
            return null;
        }

        var played = status.Rounds.FirstOrDefault(r => r.Round == round);
        var answered = snapshot.Offsets.Where(o => o.OffsetMs is not null).Select(o => (o.Name, o.OffsetMs!.Value)).ToList();
        var spread = answered.Count == 0 ? null : OffsetSpread.Compute(answered, thresholdMs);
        return new BerkeleyRow
        {
            Round = round,
            OffsetsMs = snapshot.Offsets.ToDictionary(o => o.Name, o => o.OffsetMs),
            // before any round nobody has been told anything yet: no clock is faulty, the spread is everyone's
            SpreadMs = round == 0 ? spread?.SpreadAll : spread?.Spread,
            SpreadAllMs = spread?.SpreadAll,
            Faulty = round == 0 ? [] : [.. spread?.Faulty ?? []],
            Excluded = played is null ? [] : [.. played.Polls.Where(p => p.Answered && !p.Included && !p.External && p.RoundTripMs <= (status.Config?.MaxVotingRoundTripMs ?? double.MaxValue)).Select(p => p.Name)],
            Uncertain = played is null ? [] : [.. played.Polls.Where(p => p.Answered && !p.External && p.RoundTripMs > (status.Config?.MaxVotingRoundTripMs ?? double.MaxValue)).Select(p => p.Name)],
            NotCorrected = played is null ? [] : [.. played.Polls.Where(p => p.WithinBound).Select(p => p.Name)],
            NotAnswered = played is null ? [] : [.. played.Polls.Where(p => !p.Answered).Select(p => p.Name)],
            MasterCorrectionMs = played?.MasterCorrectionMs,
            AverageMs = played?.AverageMs,
            CorrectionsMs = played?.Polls.Where(p => p.CorrectionMs is not null).ToDictionary(p => p.Name, p => p.CorrectionMs!.Value),
            EstimatedOffsetsMs = played?.Polls.Where(p => p.Answered).ToDictionary(p => p.Name, p => p.EstimatedOffsetMs),
            RoundTripsMs = played?.Polls.Where(p => p.Answered).ToDictionary(p => p.Name, p => p.RoundTripMs),
            Outcomes = played?.Polls.Where(p => p.Outcome is not null).ToDictionary(p => p.Name, p => p.Outcome!.Value.ToString().ToLowerInvariant()),
            Silos = snapshot.Offsets.ToDictionary(o => o.Name, o => o.Silo),
            Activations = snapshot.Offsets.Where(o => !o.External && o.Name != "master").ToDictionary(o => o.Name, o => o.Activations),
            CorrectionsReceived = snapshot.Offsets.Where(o => !o.External && o.Name != "master").ToDictionary(o => o.Name, o => o.Corrections),
        };
    }

    public void WriteHeader(IReadOnlyList<string> columns, TextWriter output)
    {
        var line = new StringBuilder(" round");
        foreach (var name in columns)
        {
            line.Append(" | ").Append(name.PadLeft(Column));
        }

        line.Append(" | spread ms | excluded (far from median) | not answered");
        output.WriteLine(line);
        output.WriteLine(new string('-', line.Length));
    }

    public void WriteRow(BerkeleyRow row, IReadOnlyList<string> columns, TextWriter output)
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $" {row.Round,5}"));
        foreach (var name in columns)
        {
            var offset = row.OffsetsMs.GetValueOrDefault(name);
            line.Append(" | ").Append((offset is { } ms ? ms.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-").PadLeft(Column));
        }

        line.Append(" | ").Append((row.SpreadMs is { } spread ? spread.ToString("0.000", CultureInfo.InvariantCulture) : "-").PadLeft(9));
        line.Append(" | ").Append((row.Round == 0 ? "(before round 1)" : string.Join(",", row.Excluded)).PadRight(26));
        line.Append(" | ").Append(string.Join(",", row.NotAnswered));
        output.WriteLine(line.ToString().TrimEnd());
    }

    /// <summary>The offsets in ms over the rounds, one line per clock; faulty clocks (off the chart by hours) are left out.</summary>
    public static string Chart(IReadOnlyList<BerkeleyRow> rows, IReadOnlyList<string> columns, int fromRound, string title)
    {
        var faulty = rows.Where(r => r.Round >= 1).SelectMany(r => r.Faulty).ToHashSet();
        var chart = new SvgLineChart { Title = title, XLabel = "after round", YLabel = "offset from true time (ms)" };
        foreach (var name in columns.Where(c => !faulty.Contains(c)))
        {
            chart.Add(name, rows.Where(r => r.Round >= fromRound && r.OffsetsMs.GetValueOrDefault(name) is not null).Select(r => ((double)r.Round, r.OffsetsMs[name]!.Value)), markers: true);
        }

        return chart.Render();
    }
}

/// <summary>One row of the Berkeley table (and one element of the JSON's <c>rounds</c>).</summary>
internal sealed record BerkeleyRow
{
    public int Round { get; init; }

    public required Dictionary<string, double?> OffsetsMs { get; init; }

    public double? SpreadMs { get; init; }

    public double? SpreadAllMs { get; init; }

    public required string[] Excluded { get; init; }

    public required string[] NotAnswered { get; init; }

    /// <summary>Answered over a round trip too slow to vote in the average.</summary>
    public string[] Uncertain { get; init; } = [];

    /// <summary>Not sent a correction: it was within the reading's error bound.</summary>
    public string[] NotCorrected { get; init; } = [];

    public required string[] Faulty { get; init; }

    public double? MasterCorrectionMs { get; init; }

    public double? AverageMs { get; init; }

    public Dictionary<string, double>? CorrectionsMs { get; init; }

    public Dictionary<string, double>? EstimatedOffsetsMs { get; init; }

    public Dictionary<string, double>? RoundTripsMs { get; init; }

    public Dictionary<string, string>? Outcomes { get; init; }

    public required Dictionary<string, string> Silos { get; init; }

    public required Dictionary<string, int> Activations { get; init; }

    public required Dictionary<string, int> CorrectionsReceived { get; init; }
}
