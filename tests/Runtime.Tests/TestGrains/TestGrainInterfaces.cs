using OrleansDist.Concurrency;

namespace OrleansDist.Tests.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    /// <summary>Which silo hosts the activation, and which activation it is.</summary>
    Task<string> WhereAmI();
}

public interface IPersistentCounterGrain : IGrainWithIntegerKey
{
    Task Set(int value);

    Task<int> Get();

    Task<string> WhereAmI();
}

public interface IThrowingGrain : IGrainWithGuidKey
{
    Task Throw(string message);

    Task<int> ThrowCustom(string message);
}

public interface ICycleGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="next"/>.Ping(), which calls back here.</summary>
    Task<string> Start(string next);

    Task<string> Ping(string caller);
}

public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<int> Echo(int value);

    Task<byte[]> EchoBytes(byte[] value);

    [OneWay]
    Task Notify(string text);

    Task<string> LastNotification();
}

public interface IProgressObserver : IGrainObserver
{
    Task Progress(int done, int total);
}

public interface IReporterGrain : IGrainWithStringKey
{
    Task Run(IProgressObserver observer, int steps);

    Task<int> TimerTicks();

    Task StartTimer(TimeSpan period);
}

public interface IPinnedGrain : IGrainWithStringKey
{
    Task<string> SiloName();
}

public interface IWorkerGrain : IGrainWithIntegerKey
{
    Task<string> Work(int millis);
}

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<int> ActivationNumber();

    Task Deactivate();
}

public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Calls an echo grain pinned on another silo.</summary>
    Task<int> Relay(long echoKey, int value);
}

public interface ISlowStartGrain : IGrainWithStringKey
{
    Task<int> TimerTicks();

    Task<bool> Ping();
}

public interface ITimerContextGrain : IGrainWithGuidKey
{
    /// <summary>Registers a timer from inside this call (and, on the caller's side, inside a span and a placement pin).</summary>
    Task StartTimer(TimeSpan period);

    /// <summary>For each tick so far: the span current when it ran ("" for none) and the silo pin in force ("" for none).</summary>
    Task<string[]> TickContexts();
}
