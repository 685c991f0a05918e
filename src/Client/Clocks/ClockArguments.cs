using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansDist.Client.Clocks;

/// <summary>
/// Parses the clock commands' values: durations (<c>+2.5s</c>, <c>-1.2s</c>, <c>10ms</c>, <c>1h</c>, <c>250us</c>),
/// drifts (<c>+80ppm</c>), clock lists (<c>KMC,MIT</c>) and per-clock maps (<c>KMC=+2.5s,MIT=-1.2s</c>). Anything else
/// is a <see cref="UsageException"/> naming the option and the bad part.
/// </summary>
internal static partial class ClockArguments
{
    public static readonly string[] DefaultClocks = ["KMC", "MIT", "TAPMI", "SOLS"];

    /// <summary>A signed duration, in seconds.</summary>
    public static double ParseDuration(string text, string option)
    {
        var match = Duration().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            throw new UsageException($"{option}: '{text}' is not a duration (e.g. +2.5s, -1.2s, 300ms, 250us, 2min, 1h)");
        }

        return match.Groups[2].Value.ToLowerInvariant() switch
        {
            "h" => value * 3600,
            "m" or "min" => value * 60,
            "s" => value,
            "ms" => value / 1e3,
            _ => value / 1e6,
        };
    }

    /// <summary>A positive duration, in seconds.</summary>
    public static double ParsePositiveDuration(string text, string option)
    {
        var seconds = ParseDuration(text, option);
        return seconds > 0 ? seconds : throw new UsageException($"{option} must be positive, got '{text}'");
    }

    /// <summary>A drift in ppm: <c>+80ppm</c>, <c>-100ppm</c> (the unit may be left out); at most ±100000 ppm.</summary>
    public static double ParsePpm(string text, string option)
    {
        var match = Ppm().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ppm)
            || !(Math.Abs(ppm) <= 100_000))
        {
            throw new UsageException($"{option}: '{text}' is not a drift in ppm (e.g. +80ppm, -100ppm; at most ±100000)");
        }

        return ppm;
    }

    /// <summary>Clock names, comma-separated: letters, digits, '-' and '_', distinct, not "master".</summary>
    public static string[] ParseClocks(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            throw new UsageException("--clocks: name at least one clock (e.g. KMC,MIT,TAPMI,SOLS)");
        }

        foreach (var name in names)
        {
            if (!ClockName().IsMatch(name) || string.Equals(name, "master", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--clocks: '{name}' is not a clock name (1-32 letters, digits, '-' or '_'; 'master' is the master's)");
            }
        }

        var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? names : throw new UsageException($"--clocks: '{duplicate.Key}' is named twice");
    }

    /// <summary>
    /// <c>NAME=VALUE,NAME=VALUE</c> over the given clocks (case-insensitive names, returned as spelled in
    /// <paramref name="clocks"/>); each value goes through <paramref name="parseValue"/>.
    /// </summary>
    public static Dictionary<string, double> ParseMap(string? text, string option, IReadOnlyList<string> clocks, Func<string, string, double> parseValue)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return map;
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{option}: '{part}' is not NAME=VALUE (e.g. {option} KMC=+2.5s)");
            }

            var name = part[..equals].Trim();
            var clock = clocks.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"{option}: unknown clock '{name}' (the clocks are {string.Join(", ", clocks)}; more with --clocks)");
            if (map.ContainsKey(clock))
            {
                throw new UsageException($"{option}: clock '{clock}' is given twice");
            }

            map[clock] = parseValue(part[(equals + 1)..].Trim(), $"{option} {clock}");
        }

        return map;
    }

    [GeneratedRegex(@"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(h|min|m|s|ms|us|µs)$", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:ppm)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Ppm();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex ClockName();
}
