namespace OrleansDist;

/// <summary>Base class of grain implementations.</summary>
public abstract class Grain
{
    [ThreadStatic]
    private static IGrainContext? s_activatingContext;

    protected Grain()
    {
        GrainContext = s_activatingContext
            ?? throw new InvalidOperationException("Grains are created by the runtime; use IGrainFactory.GetGrain to obtain a reference.");
    }

    public IGrainContext GrainContext { get; }

    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    protected IServiceProvider ServiceProvider => GrainContext.ActivationServices;

    public GrainId GetGrainId() => GrainContext.GrainId;

    public string GetPrimaryKeyString() => GrainContext.GrainId.Key;

    public long GetPrimaryKeyLong() => long.Parse(GrainContext.GrainId.Key, System.Globalization.CultureInfo.InvariantCulture);

    public Guid GetPrimaryKey() => Guid.ParseExact(GrainContext.GrainId.Key, "N");

    public string RuntimeIdentity => GrainContext.SiloAddress;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current call completes.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    protected void DelayDeactivation(TimeSpan timeSpan) => GrainContext.DelayDeactivation(timeSpan);

    /// <summary>
    /// Registers a timer owned by this activation. Its callbacks run as turns of the grain: they do not
    /// interleave with calls unless <see cref="GrainTimerCreationOptions.Interleave"/> is set. The timer dies with the activation.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterGrainTimer(callback, new GrainTimerCreationOptions { DueTime = dueTime, Period = period });

    protected IGrainTimer RegisterGrainTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterGrainTimer(_ => callback(), new GrainTimerCreationOptions { DueTime = dueTime, Period = period });

    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options) =>
        GrainContext.RegisterGrainTimer(ct => callback(state, ct), options);

    /// <summary>Used by the runtime to construct a grain with its context available to the base constructor.</summary>
    public static TGrain CreateWithContext<TGrain>(IGrainContext context, Func<TGrain> factory)
    {
        var previous = s_activatingContext;
        s_activatingContext = context;
        try
        {
            return factory();
        }
        finally
        {
            s_activatingContext = previous;
        }
    }
}
