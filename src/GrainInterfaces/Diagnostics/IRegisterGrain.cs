namespace Dist.GrainInterfaces.Diagnostics;

/// <summary>
/// A persistent single-value register keyed by an integer: the simplest grain whose state must survive a silo's death.
/// Used to exercise a cluster (write on one silo, kill it, read the value back from another).
/// </summary>
[Alias("OrleansDist.IRegisterGrain")]
public interface IRegisterGrain : IGrainWithIntegerKey
{
    /// <summary>Stores <paramref name="value"/> and bumps the version; returns once the state is written to storage.</summary>
    [Alias("Write")]
    Task Write(string value);

    /// <summary>
    /// Compare-and-set: stores <paramref name="value"/> only if the register's version is still
    /// <paramref name="expectedVersion"/> (0 = never written), and returns whether it did and what the register holds now.
    /// A client whose write timed out cannot know whether it took effect (the request may still be in flight and land
    /// later); with this write a late request finds a newer version and is refused instead of overwriting newer writes.
    /// </summary>
    [Alias("WriteIfVersion")]
    Task<RegisterWriteResult> WriteIfVersion(long expectedVersion, string value);

    /// <summary>The stored value, how many writes it has seen, and which silo answered.</summary>
    [Alias("Read")]
    Task<RegisterValue> Read();
}

/// <param name="Value">The last value written; null when the register was never written.</param>
/// <param name="Version">Number of writes so far (0 = never written).</param>
/// <param name="SiloName">Name of the silo hosting the activation that answered.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.RegisterValue")]
public sealed record RegisterValue([property: Id(0)] string? Value, [property: Id(1)] long Version, [property: Id(2)] string SiloName);

/// <param name="Applied">True when the write was stored; false when the register's version was not the expected one.</param>
/// <param name="Current">What the register holds after the call (the new value when applied, the newer one when refused).</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.RegisterWriteResult")]
public sealed record RegisterWriteResult([property: Id(0)] bool Applied, [property: Id(1)] RegisterValue Current);

/// <summary>The persisted state of an <see cref="IRegisterGrain"/>.</summary>
[GenerateSerializer, Alias("OrleansDist.RegisterState")]
public sealed class RegisterState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public long Version { get; set; }

    [Id(2)]
    public DateTimeOffset? LastWrite { get; set; }
}
