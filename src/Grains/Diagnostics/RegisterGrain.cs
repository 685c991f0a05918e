using Dist.GrainInterfaces.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Diagnostics;

/// <summary>Keeps one string in the default grain storage under the state name "register".</summary>
public sealed class RegisterGrain(
    [PersistentState("register")] IPersistentState<RegisterState> register,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<RegisterGrain> logger) : Grain, IRegisterGrain
{
    public Task Write(string value) => StoreAsync(value);

    public async Task<RegisterWriteResult> WriteIfVersion(long expectedVersion, string value)
    {
        if (register.State.Version != expectedVersion)
        {
            RegisterLog.Refused(logger, this.GetPrimaryKeyLong(), value, expectedVersion, register.State.Version);
            return new RegisterWriteResult(false, Current());
        }

        await StoreAsync(value);
        return new RegisterWriteResult(true, Current());
    }

    public Task<RegisterValue> Read() => Task.FromResult(Current());

    private RegisterValue Current() => new(register.State.Value, register.State.Version, silo.Name);

    private async Task StoreAsync(string value)
    {
        var (oldValue, oldVersion, oldLastWrite) = (register.State.Value, register.State.Version, register.State.LastWrite);
        register.State.Value = value;
        register.State.Version++;
        register.State.LastWrite = time.GetUtcNow();
        try
        {
            await register.WriteStateAsync();
        }
        catch
        {
            // not stored: the activation must not answer reads (or compare versions) with a write storage refused
            (register.State.Value, register.State.Version, register.State.LastWrite) = (oldValue, oldVersion, oldLastWrite);
            throw;
        }
    }
}
