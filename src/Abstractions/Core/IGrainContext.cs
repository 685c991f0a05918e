namespace OrleansDist;

/// <summary>What the runtime gives one grain activation.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    IServiceProvider ActivationServices { get; }

    /// <summary>Name of the silo hosting this activation.</summary>
    string SiloName { get; }

    /// <summary>Address of the silo hosting this activation, as text.</summary>
    string SiloAddress { get; }

    void DeactivateOnIdle();

    void DelayDeactivation(TimeSpan timeSpan);

    IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options);
}
