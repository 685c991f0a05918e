using Dist.GrainInterfaces.P2P;
using Microsoft.Extensions.Logging;
using OrleansDist.Grains.Placement;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// Registers this silo's peers with the tracker once the silo is active and sends their heartbeats every
/// <see cref="TrackerTimings.HeartbeatInterval"/>; says goodbye for them on a graceful stop. A crashed silo just falls
/// silent, and the tracker drops its peers after <see cref="TrackerTimings.PeerTimeout"/>.
/// </summary>
public sealed class PeerHeartbeatService(PeerShareRegistry registry, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time, ILogger<PeerHeartbeatService> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PeerHeartbeatService), ServiceLifecycleStage.Active, Start, Stop);

    /// <summary>The peer as the tracker lists it.</summary>
    public PeerInfo Describe(PeerShare share) => new()
    {
        Name = share.Name,
        Silo = silo.Name,
        GrainKey = MachineBoundKey.Create(silo.Name, share.Name),
        UploadBytesPerSecond = share.Throttle.BytesPerSecond,
    };

    private Task Start(CancellationToken cancellationToken)
    {
        if (registry.Shares.Count > 0)
        {
            _loop = Task.Run(() => BeatAsync(_stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var share in registry.Shares)
        {
            // downloads into the shares stop with the silo (their verified chunks are kept for a resume)
            share.Stop();
        }

        var tracker = grains.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);
        foreach (var share in registry.Shares)
        {
            try
            {
                await tracker.Leave(share.Name).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException)
            {
                // the tracker drops it after its missed heartbeats anyway
            }
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var tracker = grains.GetGrain<ITrackerGrain>(ITrackerGrain.DefaultKey);
        using var timer = new PeriodicTimer(TrackerTimings.HeartbeatInterval, time);
        try
        {
            do
            {
                foreach (var share in registry.Shares)
                {
                    try
                    {
                        await tracker.Heartbeat(Describe(share)).WaitAsync(TrackerTimings.PeerTimeout, cancellationToken);
                    }
                    catch (Exception ex) when (ex is OrleansException or TimeoutException)
                    {
                        P2PLog.HeartbeatFailed(logger, share.Name, ex.Message);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
