using Dist.GrainInterfaces.Diagnostics;

namespace OrleansDist.Grains.Diagnostics;

/// <summary>Keeps one string in the default grain storage under the state name "register".</summary>
public sealed class RegisterGrain(
    [PersistentState("register")] IPersistentState<RegisterState> register,
    ILocalSiloDetails silo,
    TimeProvider time) : Grain, IRegisterGrain
{
    public async Task Write(string value)
    {
        register.State.Value = value;
        register.State.Version++;
        register.State.LastWrite = time.GetUtcNow();
        await register.WriteStateAsync();
    }

    public Task<RegisterValue> Read() =>
        Task.FromResult(new RegisterValue(register.State.Value, register.State.Version, silo.Name));
}
