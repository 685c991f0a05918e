using OrleansDist.Concurrency;
using OrleansDist.Persistence;
using OrleansDist.Placement;

namespace OrleansDist.Tests.TestGrains;

public sealed class CounterGrain : Grain, ICounterGrain
{
    private int _value;

    public async Task<int> Increment()
    {
        var read = _value;
        await Task.Yield(); // an await between read and write: lost updates would show if turns interleaved
        await Task.Delay(0);
        _value = read + 1;
        return _value;
    }

    public Task<int> Get() => Task.FromResult(_value);

    public Task<string> WhereAmI() => Task.FromResult($"{GrainContext.SiloName}#{RuntimeHelpers.GetHashCode(this)}");
}

internal static class RuntimeHelpers
{
    public static int GetHashCode(object o) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o);
}

public sealed class CounterState
{
    public int Value { get; set; }
}

public sealed class PersistentCounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, IPersistentCounterGrain
{
    public async Task Set(int value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<string> WhereAmI() => Task.FromResult(GrainContext.SiloName);
}

public sealed class GrainFailedException(string message) : Exception(message);

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    public Task Throw(string message) => throw new InvalidOperationException(message);

    public async Task<int> ThrowCustom(string message)
    {
        await Task.Yield();
        throw new GrainFailedException(message);
    }
}

public sealed class CycleGrain : Grain, ICycleGrain
{
    public Task<string> Start(string next) => GrainFactory.GetGrain<ICycleGrain>(next).Ping(GetPrimaryKeyString());

    public Task<string> Ping(string caller) => GrainFactory.GetGrain<ICycleGrain>(caller).Ping(GetPrimaryKeyString());
}

[Reentrant]
public sealed class EchoGrain : Grain, IEchoGrain
{
    private string _last = "";

    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<byte[]> EchoBytes(byte[] value) => Task.FromResult(value);

    public Task Notify(string text)
    {
        _last = text;
        return Task.CompletedTask;
    }

    public Task<string> LastNotification() => Task.FromResult(_last);
}

public sealed class ReporterGrain : Grain, IReporterGrain
{
    private int _ticks;

    public async Task Run(IProgressObserver observer, int steps)
    {
        for (var i = 1; i <= steps; i++)
        {
            await observer.Progress(i, steps);
        }
    }

    public Task<int> TimerTicks() => Task.FromResult(_ticks);

    public Task StartTimer(TimeSpan period)
    {
        RegisterGrainTimer(() =>
        {
            _ticks++;
            return Task.CompletedTask;
        }, period, period);
        return Task.CompletedTask;
    }
}

[HashBasedPlacement]
public sealed class PinnedGrain : Grain, IPinnedGrain
{
    public Task<string> SiloName() => Task.FromResult(GrainContext.SiloName);
}

[StatelessWorker(4)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    public async Task<string> Work(int millis)
    {
        await Task.Delay(millis);
        return $"{GrainContext.SiloName}#{RuntimeHelpers.GetHashCode(this)}";
    }
}

public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    private static int s_activations;
    private int _number;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _number = Interlocked.Increment(ref s_activations);
        return Task.CompletedTask;
    }

    public Task<int> ActivationNumber() => Task.FromResult(_number);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public Task<int> Relay(long echoKey, int value) => GrainFactory.GetGrain<IEchoGrain>(echoKey).Echo(value);
}

/// <summary>Starts a timer in OnActivateAsync and takes its time activating.</summary>
public sealed class SlowStartGrain : Grain, ISlowStartGrain
{
    public static int Activations;
    public static int Deactivations;
    private int _ticks;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Activations);
        RegisterGrainTimer(() =>
        {
            _ticks++;
            return Task.CompletedTask;
        }, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        await Task.Delay(GetPrimaryKeyString().StartsWith("slow", StringComparison.Ordinal) ? 800 : 0, cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Deactivations);
        return Task.CompletedTask;
    }

    public Task<int> TimerTicks() => Task.FromResult(_ticks);

    public Task<bool> Ping() => Task.FromResult(true);
}

public sealed class TimerContextGrain : Grain, ITimerContextGrain
{
    private readonly List<string> _contexts = [];

    public Task StartTimer(TimeSpan period)
    {
        using (PlacementHint.PinToSilo("pinned-by-the-registering-call"))
        {
            RegisterGrainTimer(() =>
            {
                _contexts.Add($"{System.Diagnostics.Activity.Current?.DisplayName}|{PlacementHint.CurrentSiloName}");
                return Task.CompletedTask;
            }, period, period);
        }

        return Task.CompletedTask;
    }

    public Task<string[]> TickContexts() => Task.FromResult(_contexts.ToArray());
}
