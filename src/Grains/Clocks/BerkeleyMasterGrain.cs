using System.Diagnostics;
using Dist.GrainInterfaces.Clocks;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace OrleansDist.Grains.Clocks;

/// <summary>
/// Berkeley's master (the testing lab's clock). Each round, on a grain timer: take every clock's true offset for the
/// record, poll every clock a few times and keep the sample with the smallest round trip (offset = reading − mid-point
/// of the round trip on the master's clock), average the readings within the threshold of the median (the master's own
/// counts as 0), and send each clock, the master included, its own correction: the average minus its reading. A clock
/// that does not answer within the poll timeout is left out of that round. The rounds survive the master's silo: the
/// state is written after every round and an activation resumes the timer.
/// </summary>
public sealed class BerkeleyMasterGrain(
    [PersistentState("berkeley")] IPersistentState<BerkeleyMasterState> master,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<BerkeleyMasterGrain> logger) : Grain, IBerkeleyMasterGrain
{
    private const string MasterName = "master";
    private const int WarmUpReads = 3;

    private SimulatedClock? _clock;
    private IGrainTimer? _timer;
    private IExternalClocks? _external;

    private BerkeleyMasterState State => master.State;

    private string SystemId => this.GetPrimaryKeyString();

    public static string ClockKey(string system, string clock) => $"{system}/{clock}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.MasterClock is { } clock)
        {
            _clock = new SimulatedClock(clock);
        }

        if (State.Config is not null && !State.Finished)
        {
            StartTimer(State.Config);
        }

        return Task.CompletedTask;
    }

    public async Task<BerkeleyStatus> Start(BerkeleyConfig config)
    {
        Validate(config);
        _timer?.Dispose();
        _timer = null;
        var now = time.GetUtcNow();
        _clock = SimulatedClock.Create(config.Master, now);
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var plan = ClockPlacementPlan.Assign(config.Clocks.Length, config.SpreadOverSilos ? silos.Count : 0);
        var placement = await Task.WhenAll(config.Clocks.Select((c, i) => ConfigureAsync(c, plan[i] is { } s ? silos[s].SiloAddress : null)));
        State.Config = config;
        State.MasterClock = _clock.State;
        State.Rounds = [];
        State.Snapshots = [];
        State.Ticks = 0;
        State.Finished = false;
        State.Placement = [.. config.Clocks.Select((c, i) => $"{c.Name}@{placement[i]}")];
        await master.WriteStateAsync();
        ClocksLog.Started(logger, SystemId, config.Clocks.Length, config.PeriodMs, config.ThresholdMs, config.Rounds, string.Join(", ", State.Placement));
        StartTimer(config);
        return Status();
    }

    public Task<BerkeleyStatus> GetStatus() => Task.FromResult(Status());

    public Task<ClockReading> ReadClock() =>
        Task.FromResult(new ClockReading(MasterClock().ReadUnixTicks(time.GetUtcNow()), silo.Name));

    public Task Subscribe(IExternalClocks external)
    {
        _external = external;
        return Task.CompletedTask;
    }

    public async Task Stop()
    {
        _timer?.Dispose();
        _timer = null;
        State.Finished = true;
        await master.WriteStateAsync();
    }

    private static void Validate(BerkeleyConfig config)
    {
        if (config.PeriodMs <= 0 || config.ThresholdMs < 0 || config.Rounds < 0 || config.SamplesPerPoll < 1 || config.PollTimeoutMs <= 0 || config.History < 1)
        {
            throw new ArgumentException("period, poll timeout, samples and history must be positive; threshold and rounds non-negative", nameof(config));
        }

        var names = config.Clocks.Select(c => c.Name).ToList();
        if (names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count
            || names.Contains(MasterName, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"clock names must be distinct, non-empty and not '{MasterName}'", nameof(config));
        }
    }

    private async Task<string> ConfigureAsync(BerkeleyClock clock, SiloAddress? target)
    {
        if (target is not null)
        {
            // steers the first activation only; a clock already active elsewhere keeps its place
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        }

        try
        {
            var grain = Clock(clock.Name);
            var status = await grain.Configure(clock.Settings);
            // warm the read path (code generation, JIT, connections) so round 1's polls are timed like the others
            for (var i = 0; i < WarmUpReads; i++)
            {
                await grain.Read();
            }

            return status.Silo;
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private void StartTimer(BerkeleyConfig config) =>
        _timer ??= this.RegisterGrainTimer(
            _ => TickAsync(),
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = TimeSpan.FromMilliseconds(config.PeriodMs), KeepAlive = true });

    private IClockGrain Clock(string name) => GrainFactory.GetGrain<IClockGrain>(ClockKey(SystemId, name));

    private SimulatedClock MasterClock() => _clock ?? throw new InvalidOperationException($"Berkeley master {SystemId} was never started");

    private long MasterTicks() => MasterClock().ReadUnixTicks(time.GetUtcNow());

    private async Task TickAsync()
    {
        var config = State.Config;
        if (config is null || State.Finished)
        {
            return;
        }

        var tick = ++State.Ticks;
        State.Snapshots.Add(await SnapshotAsync(config, tick - 1));
        if (config.Rounds == 0 || tick <= config.Rounds)
        {
            State.Rounds.Add(await RoundAsync(config, tick));
        }
        else
        {
            State.Finished = true;
            _timer?.Dispose();
            _timer = null;
        }

        Trim(State.Rounds, config.History);
        Trim(State.Snapshots, config.History + 1);
        State.MasterClock = MasterClock().State;
        await master.WriteStateAsync();
    }

    private static void Trim<T>(List<T> list, int keep)
    {
        if (list.Count > keep)
        {
            list.RemoveRange(0, list.Count - keep);
        }
    }

    private async Task<BerkeleyRound> RoundAsync(BerkeleyConfig config, int round)
    {
        var started = time.GetTimestamp();
        using var span = ClocksTelemetry.Source.StartActivity("berkeley round", ActivityKind.Internal, parentContext: default);
        span?.SetTag("clock.system", SystemId);
        span?.SetTag("clock.round", round);

        // one clock after the other: replies arriving together would queue in this activation and the later ones would
        // be timed late, which reads as an asymmetric round trip and biases their offsets
        var polls = new List<ClockPoll>();
        foreach (var clock in config.Clocks)
        {
            polls.Add(await PollAsync(config, clock.Name));
        }

        var external = await PollExternalAsync(config);
        polls.AddRange(external);

        var answered = polls.Where(p => p.Answered).ToList();
        // external (TCP) slaves are corrected but do not vote: their readings carry a one-way delay the seed's protocol
        // cannot measure (no round trip), which would drag everyone's time by a fraction of it every round
        var readings = new List<(string Name, double Offset)> { (MasterName, 0) };
        // a reading taken over a slow round trip (a busy moment) is too uncertain to move everyone
        readings.AddRange(answered.Where(p => !p.External && p.RoundTripMs <= config.MaxVotingRoundTripMs).Select(p => (p.Name, p.EstimatedOffsetMs)));
        var average = FaultTolerantAverage.Compute(readings, config.ThresholdMs);
        var included = average.Included.ToHashSet(StringComparer.Ordinal);

        // the master corrects itself too (as a slew or step like everyone), then everyone who answered gets theirs
        var masterCorrection = average.Average;
        MasterClock().Adjust(masterCorrection / 1000, AdjustMode.Auto, time.GetUtcNow());
        // a correction no larger than the reading's error bound (RTT/2) is noise: not sent (a grain's RTT is measured here;
        // an external slave's one-way delay is not, and its endpoint has its own deadband)
        var corrected = await Task.WhenAll(polls.Select(p =>
        {
            var correction = average.Average - p.EstimatedOffsetMs;
            return !p.Answered ? Task.FromResult(p)
                : !p.External && Math.Abs(correction) <= p.RoundTripMs / 2 ? Task.FromResult(p with { Included = included.Contains(p.Name), WithinBound = true })
                : CorrectAsync(p with { Included = included.Contains(p.Name) }, correction / 1000, round);
        }));

        var excluded = corrected.Where(p => p.Answered && !p.Included && !p.External && p.RoundTripMs <= config.MaxVotingRoundTripMs).Select(p => p.Name).ToList();
        span?.SetTag("clock.average_ms", average.Average);
        span?.SetTag("clock.median_ms", average.Median);
        span?.SetTag("clock.master_correction_ms", masterCorrection);
        span?.SetTag("clock.excluded", string.Join(',', excluded));
        span?.SetTag("clock.not_answered", string.Join(',', corrected.Where(p => !p.Answered).Select(p => p.Name)));
        ClocksLog.Round(logger, SystemId, round, average.Average, string.Join(", ", excluded), answered.Count, polls.Count);
        return new BerkeleyRound
        {
            Round = round,
            StartedAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Polls = corrected,
            AverageMs = average.Average,
            MedianMs = average.Median,
            MasterCorrectionMs = masterCorrection,
            DurationMs = time.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    private async Task<ClockPoll> PollAsync(BerkeleyConfig config, string name)
    {
        using var span = ClocksTelemetry.Source.StartActivity("poll " + name);
        span?.SetTag("clock.name", name);
        var clock = Clock(name);
        var deadline = time.GetTimestamp() + (long)(config.PollTimeoutMs / 1000.0 * time.TimestampFrequency);
        var trips = new List<RoundTrip>();
        var siloName = "";
        try
        {
            var good = config.GoodRoundTripMs / 1000;
            for (var i = 0; i < Math.Max(config.SamplesPerPoll, config.MaxSamplesPerPoll); i++)
            {
                if (i >= config.SamplesPerPoll && trips[RoundTrip.Best(trips)].RoundTripSeconds <= good)
                {
                    break;
                }

                var left = TimeSpan.FromSeconds(Math.Max(0, deadline - time.GetTimestamp()) / (double)time.TimestampFrequency);
                if (left <= TimeSpan.Zero && trips.Count > 0)
                {
                    break;
                }

                var sent = MasterTicks();
                var call = clock.Read();
                var reply = await call.WaitAsync(left, time);
                var received = MasterTicks();
                trips.Add(new RoundTrip(sent, reply.UnixTicks, received));
                siloName = reply.Silo;
            }
        }
        catch (Exception ex) when (IsCallFailure(ex))
        {
            if (trips.Count == 0)
            {
                ClocksLog.PollFailed(logger, SystemId, State.Ticks, name, $"{ex.GetType().Name}: {ex.Message}");
                span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                return new ClockPoll { Name = name, Answered = false };
            }
        }

        var best = trips[RoundTrip.Best(trips)];
        span?.SetTag("clock.silo", siloName);
        span?.SetTag("clock.offset_ms", best.OffsetSeconds * 1000);
        span?.SetTag("clock.rtt_ms", best.RoundTripSeconds * 1000);
        span?.SetTag("clock.samples", trips.Count);
        return new ClockPoll
        {
            Name = name,
            Silo = siloName,
            Answered = true,
            EstimatedOffsetMs = best.OffsetSeconds * 1000,
            RoundTripMs = best.RoundTripSeconds * 1000,
        };
    }

    /// <summary>
    /// The external clocks behind the subscribed observer: each sample is one call returning every slave's estimated
    /// reading; the sample with the smallest round trip is kept for all of them (the estimates were made together).
    /// </summary>
    private async Task<List<ClockPoll>> PollExternalAsync(BerkeleyConfig config)
    {
        if (_external is not { } external)
        {
            return [];
        }

        using var span = ClocksTelemetry.Source.StartActivity("poll external clocks");
        var best = new Dictionary<string, RoundTrip>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < config.SamplesPerPoll; i++)
            {
                var sent = MasterTicks();
                var readings = await external.Read().WaitAsync(TimeSpan.FromMilliseconds(config.PollTimeoutMs), time);
                var received = MasterTicks();
                foreach (var reading in readings)
                {
                    var trip = new RoundTrip(sent, reading.EstimatedUnixTicks, received);
                    if (!best.TryGetValue(reading.Name, out var kept) || trip.RoundTripSeconds < kept.RoundTripSeconds)
                    {
                        best[reading.Name] = trip;
                    }
                }
            }
        }
        catch (Exception ex) when (IsCallFailure(ex))
        {
            ClocksLog.ExternalDropped(logger, SystemId, $"{ex.GetType().Name}: {ex.Message}");
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _external = null;
            return [];
        }

        span?.SetTag("clock.count", best.Count);
        return [.. best.Select(b => new ClockPoll
        {
            Name = b.Key,
            Silo = "tcp",
            Answered = true,
            External = true,
            EstimatedOffsetMs = b.Value.OffsetSeconds * 1000,
            RoundTripMs = b.Value.RoundTripSeconds * 1000,
        })];
    }

    private async Task<ClockPoll> CorrectAsync(ClockPoll poll, double deltaSeconds, int round)
    {
        using var span = ClocksTelemetry.Source.StartActivity("correct " + poll.Name);
        span?.SetTag("clock.name", poll.Name);
        span?.SetTag("clock.correction_ms", deltaSeconds * 1000);
        span?.SetTag("clock.estimated_offset_ms", poll.EstimatedOffsetMs);
        span?.SetTag("clock.included", poll.Included);
        try
        {
            AdjustOutcome? outcome = null;
            if (poll.External)
            {
                if (_external is { } external)
                {
                    await external.Correct(poll.Name, deltaSeconds, round).WaitAsync(TimeSpan.FromMilliseconds(State.Config!.PollTimeoutMs), time);
                }
            }
            else
            {
                outcome = await Clock(poll.Name).Adjust(new ClockCorrection { DeltaSeconds = deltaSeconds, Mode = AdjustMode.Auto, Round = round })
                    .WaitAsync(TimeSpan.FromMilliseconds(State.Config!.PollTimeoutMs * 3), time);
            }

            span?.SetTag("clock.outcome", outcome?.ToString() ?? "sent");
            return poll with { CorrectionMs = deltaSeconds * 1000, Outcome = outcome };
        }
        catch (Exception ex) when (IsCallFailure(ex))
        {
            ClocksLog.CorrectionFailed(logger, SystemId, round, poll.Name, $"{ex.GetType().Name}: {ex.Message}");
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return poll;
        }
    }

    private async Task<OffsetSnapshot> SnapshotAsync(BerkeleyConfig config, int afterRound)
    {
        var timeout = TimeSpan.FromMilliseconds(config.PollTimeoutMs);
        var offsets = new List<ClockOffset>
        {
            new() { Name = MasterName, Silo = silo.Name, OffsetMs = MasterClock().OffsetAt(time.GetUtcNow()) * 1000, Activations = 1 },
        };
        offsets.AddRange(await Task.WhenAll(config.Clocks.Select(async c =>
        {
            try
            {
                var status = await Clock(c.Name).Inspect().WaitAsync(timeout, time);
                return new ClockOffset
                {
                    Name = c.Name,
                    Silo = status.Silo,
                    OffsetMs = status.TrueOffsetSeconds * 1000,
                    Activations = status.Activations,
                    Corrections = status.Corrections,
                };
            }
            catch (Exception ex) when (IsCallFailure(ex))
            {
                return new ClockOffset { Name = c.Name };
            }
        })));
        if (_external is { } external)
        {
            try
            {
                var readings = await external.Read().WaitAsync(timeout, time);
                offsets.AddRange(readings.Select(r => new ClockOffset { Name = r.Name, Silo = "tcp", OffsetMs = r.TrueOffsetSeconds * 1000, External = true }));
            }
            catch (Exception ex) when (IsCallFailure(ex))
            {
                // the round's poll drops the observer and says why
            }
        }

        return new OffsetSnapshot { AfterRound = afterRound, AtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(), Offsets = [.. offsets] };
    }

    private BerkeleyStatus Status() => new()
    {
        Config = State.Config,
        Rounds = [.. State.Rounds],
        Snapshots = [.. State.Snapshots],
        Finished = State.Finished,
        MasterSilo = silo.Name,
        Placement = State.Placement,
    };

    private static bool IsCallFailure(Exception ex) =>
        ex is TimeoutException or OrleansException or InvalidOperationException or ArgumentException;
}
