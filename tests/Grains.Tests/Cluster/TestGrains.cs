using System.Collections.Concurrent;

namespace OrleansDist.Grains.Tests.Cluster;

/// <summary>Which activation answered.</summary>
/// <param name="Activation">A Guid the activation drew when it was created.</param>
/// <param name="ActivationId">Orleans' id of the activation (<c>IGrainContext.ActivationId</c>).</param>
/// <param name="RuntimeIdentity">The grain's <c>RuntimeIdentity</c> (its silo's identity).</param>
/// <param name="Silo">The address of the silo it runs on.</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.Tests.ActivationIdentity")]
public sealed record ActivationIdentity(
    [property: Id(0)] Guid Activation,
    [property: Id(1)] string ActivationId,
    [property: Id(2)] string RuntimeIdentity,
    [property: Id(3)] string Silo);

/// <summary>A grain that says which activation answered.</summary>
[Alias("OrleansDist.Tests.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    [Alias("WhoAmI")]
    Task<ActivationIdentity> WhoAmI();
}

/// <summary>A counter whose increment reads, yields and writes: only turn-based (non-reentrant) execution keeps it exact.</summary>
[Alias("OrleansDist.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one; returns the new value.</summary>
    [Alias("Increment")]
    Task<int> Increment();

    [Alias("Get")]
    Task<CounterSnapshot> Get();
}

/// <param name="Value">Increments so far.</param>
/// <param name="MaxConcurrentIncrements">The most increments that were ever inside the grain at once (1 when turns never interleave).</param>
[GenerateSerializer, Immutable, Alias("OrleansDist.Tests.CounterSnapshot")]
public sealed record CounterSnapshot([property: Id(0)] int Value, [property: Id(1)] int MaxConcurrentIncrements);

/// <summary>Makes calls from the silo it lives on (place it with a placement hint).</summary>
[Alias("OrleansDist.Tests.ICallerGrain")]
public interface ICallerGrain : IGrainWithStringKey
{
    /// <summary>The address of this activation's silo.</summary>
    [Alias("Silo")]
    Task<SiloAddress> Silo();

    /// <summary>Asks <see cref="IIdentityGrain"/> <paramref name="key"/> <paramref name="times"/> times at once.</summary>
    [Alias("WhoIs")]
    Task<ActivationIdentity[]> WhoIs(string key, int times);

    /// <summary>Increments <see cref="ICounterGrain"/> <paramref name="key"/> <paramref name="times"/> times at once.</summary>
    [Alias("Increment")]
    Task<int[]> Increment(string key, int times);

    /// <summary>Reads <see cref="Dist.GrainInterfaces.Diagnostics.IRegisterGrain"/> <paramref name="key"/> from this silo.</summary>
    [Alias("ReadRegister")]
    Task<Dist.GrainInterfaces.Diagnostics.RegisterValue> ReadRegister(long key);
}

public sealed class IdentityGrain(ILocalSiloDetails silo) : Grain, IIdentityGrain
{
    /// <summary>OnActivateAsync runs per key, over every silo of this process (in-process silos share statics).</summary>
    public static readonly ConcurrentDictionary<string, int> Activations = new();

    private readonly Guid _activation = Guid.NewGuid();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, count) => count + 1);
        // a slow activation widens the window in which other silos' first calls arrive
        await Task.Delay(50, cancellationToken);
    }

    public Task<ActivationIdentity> WhoAmI() => Task.FromResult(new ActivationIdentity(_activation, GrainContext.ActivationId.ToString(), RuntimeIdentity, silo.SiloAddress.ToParsableString()));
}

public sealed class CounterGrain : Grain, ICounterGrain
{
    private int _value;
    private int _inside;
    private int _maxInside;

    public async Task<int> Increment()
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        var read = _value;
        // a turn boundary: had another increment run here, both would write read + 1 and one would be lost
        await Task.Yield();
        _value = read + 1;
        _inside--;
        return _value;
    }

    public Task<CounterSnapshot> Get() => Task.FromResult(new CounterSnapshot(_value, _maxInside));
}

public sealed class CallerGrain(ILocalSiloDetails silo) : Grain, ICallerGrain
{
    public Task<SiloAddress> Silo() => Task.FromResult(silo.SiloAddress);

    public Task<ActivationIdentity[]> WhoIs(string key, int times)
    {
        var target = GrainFactory.GetGrain<IIdentityGrain>(key);
        return Task.WhenAll(Enumerable.Range(0, times).Select(_ => target.WhoAmI()));
    }

    public Task<int[]> Increment(string key, int times)
    {
        var counter = GrainFactory.GetGrain<ICounterGrain>(key);
        return Task.WhenAll(Enumerable.Range(0, times).Select(_ => counter.Increment()));
    }

    public Task<Dist.GrainInterfaces.Diagnostics.RegisterValue> ReadRegister(long key) =>
        GrainFactory.GetGrain<Dist.GrainInterfaces.Diagnostics.IRegisterGrain>(key).Read();
}
