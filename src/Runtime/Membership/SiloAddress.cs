using System.Globalization;
using System.Net;

namespace OrleansDist.Runtime.Membership;

/// <summary>
/// A silo process: its silo endpoint plus a generation that grows with every process start, so a restarted
/// silo on the same endpoint is a new identity. Text form: <c>10.0.0.5:11111@87654321</c>.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SiloAddressJsonConverter))]
public sealed class SiloAddress : IEquatable<SiloAddress>, IComparable<SiloAddress>
{
    public SiloAddress(IPEndPoint endpoint, int generation)
    {
        Endpoint = endpoint;
        Generation = generation;
        _text = string.Create(CultureInfo.InvariantCulture, $"{FormatEndpoint(endpoint)}@{generation}");
        _hash = StableHash.Compute(_text);
    }

    private readonly string _text;
    private readonly uint _hash;

    public IPEndPoint Endpoint { get; }

    public int Generation { get; }

    /// <summary>Stable across processes; used on the consistent-hash ring.</summary>
    public uint ConsistentHash => _hash;

    /// <summary>A generation from the clock: later process starts get larger numbers (seconds since 2024, fits an int until 2092).</summary>
    public static int NewGeneration(TimeProvider timeProvider)
    {
        var epoch = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return (int)(timeProvider.GetUtcNow() - epoch).TotalSeconds;
    }

    public static SiloAddress Parse(string text)
    {
        if (!TryParse(text, out var address))
        {
            throw new FormatException($"'{text}' is not a silo address (expected host:port@generation)");
        }

        return address;
    }

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SiloAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(text.AsSpan(at + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        if (!IPEndPoint.TryParse(text[..at], out var endpoint))
        {
            return false;
        }

        address = new SiloAddress(endpoint, generation);
        return true;
    }

    public static string FormatEndpoint(IPEndPoint endpoint) => endpoint.ToString();

    public bool Equals(SiloAddress? other) => other is not null && Generation == other.Generation && Endpoint.Equals(other.Endpoint);

    public override bool Equals(object? obj) => Equals(obj as SiloAddress);

    public override int GetHashCode() => (int)_hash;

    public int CompareTo(SiloAddress? other) => other is null ? 1 : string.CompareOrdinal(_text, other._text);

    /// <summary>Same endpoint, any generation.</summary>
    public bool IsSameEndpoint(SiloAddress other) => Endpoint.Equals(other.Endpoint);

    public override string ToString() => _text;

    public static bool operator ==(SiloAddress? left, SiloAddress? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(SiloAddress? left, SiloAddress? right) => !(left == right);
}
