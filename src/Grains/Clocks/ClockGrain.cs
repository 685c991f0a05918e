using System.Diagnostics;
using Dist.GrainInterfaces.Clocks;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Clocks;

/// <summary>
/// A simulated clock as a grain. Every change (configuration, each correction) is written to grain storage before the
/// call returns, so after its silo dies the clock comes back on another silo where it was: the model is anchored in
/// real time, so the offset it had plus its drift since then.
/// </summary>
public sealed class ClockGrain(
    [PersistentState("clock")] IPersistentState<ClockGrainState> clock,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<ClockGrain> logger) : Grain, IClockGrain
{
    private SimulatedClock? _model;

    private ClockGrainState State => clock.State;

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var restored = State.Model is not null;
        if (State.Model is { } model)
        {
            _model = new SimulatedClock(model);
        }

        State.Activations++;
        await clock.WriteStateAsync(cancellationToken);
        ClocksLog.Activated(logger, Name, silo.Name, State.Activations, (_model?.OffsetAt(time.GetUtcNow()) ?? 0) * 1000, restored);
    }

    public async Task<ClockStatus> Configure(ClockSettings settings)
    {
        _model = SimulatedClock.Create(settings, time.GetUtcNow());
        State.Settings = settings;
        State.Model = _model.State;
        State.Corrections = 0;
        State.LastCorrectionSeconds = null;
        await clock.WriteStateAsync();
        return Status();
    }

    public Task<ClockReading> Read() => Task.FromResult(new ClockReading(ReadTicks(time.GetUtcNow()), silo.Name));

    public async Task<AdjustOutcome> Adjust(ClockCorrection correction)
    {
        var model = Model();
        State.Corrections++;
        State.LastCorrectionSeconds = correction.DeltaSeconds;
        var outcome = AdjustOutcome.Recorded;
        if (State.Settings?.LieSeconds is null)
        {
            outcome = model.Adjust(correction.DeltaSeconds, correction.Mode, time.GetUtcNow());
            State.Model = model.State;
        }

        await clock.WriteStateAsync();
        return outcome;
    }

    public Task<ClockStatus> Inspect() => Task.FromResult(Status());

    public async Task<CristianResult> SyncWithCristian(string serverKey, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        using var span = ClocksTelemetry.Source.StartActivity("cristian sync");
        span?.SetTag("clock.client", Name);
        span?.SetTag("clock.server", serverKey);
        var model = Model();
        var server = GrainFactory.GetGrain<IClockGrain>(serverKey);
        var offsetBefore = model.OffsetAt(time.GetUtcNow());
        var trips = new List<RoundTrip>();
        var serverSilo = "";
        for (var i = 0; i < samples; i++)
        {
            var sent = ReadTicks(time.GetUtcNow());
            var reply = await server.Read();
            var received = ReadTicks(time.GetUtcNow());
            trips.Add(new RoundTrip(sent, reply.UnixTicks, received));
            serverSilo = reply.Silo;
        }

        var best = RoundTrip.Best(trips);
        var chosen = trips[best];
        // Cristian sets the clock: server time + RTT/2 at the moment the reply came, i.e. a step by the estimated offset
        await Adjust(new ClockCorrection { DeltaSeconds = chosen.OffsetSeconds, Mode = AdjustMode.Step });
        var serverStatus = await server.Inspect();
        var offsetAfter = model.OffsetAt(time.GetUtcNow());
        var result = new CristianResult
        {
            Samples = [.. trips.Select(t => new CristianSample(t.RoundTripSeconds * 1000, t.OffsetSeconds * 1000))],
            ChosenSample = best,
            CorrectionMs = chosen.OffsetSeconds * 1000,
            BoundMs = chosen.BoundSeconds * 1000,
            TrueErrorMs = (offsetAfter - serverStatus.TrueOffsetSeconds) * 1000,
            ClientOffsetBeforeMs = offsetBefore * 1000,
            ClientOffsetAfterMs = offsetAfter * 1000,
            ServerOffsetMs = serverStatus.TrueOffsetSeconds * 1000,
            ClientSilo = silo.Name,
            ServerSilo = serverSilo,
        };
        span?.SetTag("clock.rtt_ms", result.Samples[best].RoundTripMs);
        span?.SetTag("clock.correction_ms", result.CorrectionMs);
        span?.SetTag("clock.bound_ms", result.BoundMs);
        span?.SetTag("clock.true_error_ms", result.TrueErrorMs);
        if (Math.Abs(result.TrueErrorMs) > result.BoundMs)
        {
            span?.SetStatus(ActivityStatusCode.Error, "true error outside the bound");
        }

        return result;
    }

    private SimulatedClock Model() =>
        _model ?? throw new InvalidOperationException($"clock {Name} was never configured (call Configure first)");

    /// <summary>The reported reading: the model's, off by the lie when the clock is faulty.</summary>
    private long ReadTicks(DateTimeOffset now)
    {
        var ticks = Model().ReadUnixTicks(now);
        return State.Settings?.LieSeconds is { } lie ? ticks + (long)Math.Round(lie * TimeSpan.TicksPerSecond) : ticks;
    }

    private ClockStatus Status()
    {
        var now = time.GetUtcNow();
        return new ClockStatus
        {
            Name = Name,
            Silo = silo.Name,
            Configured = _model is not null,
            TrueOffsetSeconds = _model is null ? 0 : _model.OffsetAt(now) + (State.Settings?.LieSeconds ?? 0),
            Settings = State.Settings ?? new ClockSettings(),
            Corrections = State.Corrections,
            LastCorrectionSeconds = State.LastCorrectionSeconds,
            PendingSlewSeconds = _model?.PendingSlewAt(now) ?? 0,
            Activations = State.Activations,
        };
    }
}
