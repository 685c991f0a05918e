namespace OrleansDist.GrainInterfaces.Diagnostics;

/// <summary>
/// A persistent single-value register keyed by an integer: the simplest grain whose state must survive a silo's death.
/// Used to exercise a cluster (write on one silo, kill it, read the value back from another).
/// </summary>
public interface IRegisterGrain : IGrainWithIntegerKey
{
    /// <summary>Stores <paramref name="value"/> and bumps the version; returns once the state is written to storage.</summary>
    Task Write(string value);

    /// <summary>The stored value, how many writes it has seen, and which silo answered.</summary>
    Task<RegisterValue> Read();
}

/// <param name="Value">The last value written; null when the register was never written.</param>
/// <param name="Version">Number of writes so far (0 = never written).</param>
/// <param name="SiloName">Name of the silo hosting the activation that answered.</param>
public sealed record RegisterValue(string? Value, long Version, string SiloName);

/// <summary>The persisted state of an <see cref="IRegisterGrain"/>.</summary>
public sealed class RegisterState
{
    public string? Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? LastWrite { get; set; }
}
