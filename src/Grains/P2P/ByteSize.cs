using System.Globalization;

namespace OrleansDist.Grains.P2P;

/// <summary>Sizes and rates as people write them: <c>1MiB</c>, <c>512KiB</c>, <c>200MiB</c>, <c>20MiB/s</c>, <c>1500</c> (bytes).</summary>
public static class ByteSize
{
    /// <summary>KiB, MiB, GiB are powers of 1024; KB, MB, GB powers of 1000; a bare number is bytes.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var units = new (string Suffix, long Factor)[]
        {
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
            ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000),
            ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
        };
        long factor = 1;
        foreach (var (suffix, f) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                s = s[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount < 0 || double.IsInfinity(amount))
        {
            return false;
        }

        var value = amount * factor;
        if (value > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)Math.Round(value);
        return true;
    }

    /// <summary>A rate: a size followed by <c>/s</c> (<c>20MiB/s</c>); <c>0</c> or <c>unlimited</c> = no limit (0).</summary>
    public static bool TryParseRate(string? text, out long bytesPerSecond)
    {
        bytesPerSecond = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Equals("unlimited", StringComparison.OrdinalIgnoreCase) || s.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (s.EndsWith("/s", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^2];
        }

        return TryParse(s, out bytesPerSecond);
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string FormatRate(double bytesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (1 << 20):0.0} MiB/s");
}
