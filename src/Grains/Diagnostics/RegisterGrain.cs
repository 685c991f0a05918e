using OrleansDist.GrainInterfaces.Diagnostics;
using OrleansDist.Persistence;

namespace OrleansDist.Grains.Diagnostics;

/// <summary>Keeps one string in the default grain storage under the state name "register".</summary>
public sealed class RegisterGrain(
    [PersistentState("register")] IPersistentState<RegisterState> register) : Grain, IRegisterGrain
{
    public async Task Write(string value)
    {
        register.State.Value = value;
        register.State.Version++;
        register.State.LastWrite = DateTimeOffset.UtcNow;
        await register.WriteStateAsync();
    }

    public Task<RegisterValue> Read() =>
        Task.FromResult(new RegisterValue(register.State.Value, register.State.Version, GrainContext.SiloName));
}
