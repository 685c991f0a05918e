using System.Globalization;

namespace OrleansDist;

/// <summary>
/// Identity of a grain: its type (the grain interface's full name unless overridden) and its key.
/// Integer and Guid keys are kept in canonical string form so that every key kind shares one representation.
/// </summary>
public readonly record struct GrainId(string Type, string Key)
{
    public static GrainId Create(string type, string key) => new(type, key);

    public static GrainId Create(string type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    public static GrainId Create(string type, Guid key) => new(type, key.ToString("N"));

    public bool IsDefault => Type is null;

    /// <summary>A stable (process-independent) hash used by consistent hashing and hash-based placement.</summary>
    public uint GetStableHash() => StableHash.Compute(Type, Key);

    public override string ToString() => $"{Type}/{Key}";
}
