using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Membership;

/// <summary>
/// One silo's part in the membership protocol over a shared table: join (Joining → Active), IAmAlive heartbeats,
/// probing a few other silos, suspicion votes, declaring silos dead, judging stale rows by IAmAlive age, cleaning
/// defunct rows, and stopping this silo when the table says it is dead.
/// </summary>
internal sealed class MembershipAgent : IMembershipProbe, IAsyncDisposable
{
    private readonly IMembershipTable _table;
    private readonly ClusterMembershipOptions _options;
    private readonly MembershipEntry _self;
    private readonly TelemetryOrigin _origin;
    private readonly string _clusterId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<SiloAddress, IMembershipProbe> _probe;
    private readonly Action _onSelfDead;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<SiloAddress, int> _missedProbes = new();
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly List<Task> _loops = [];
    private volatile ClusterMembershipSnapshot _snapshot = ClusterMembershipSnapshot.Empty;
    private int _refreshRequested;
    private bool _selfDeadReported;

    public MembershipAgent(
        IMembershipTable table, ClusterMembershipOptions options, MembershipEntry self, string clusterId, TimeProvider time, ILogger logger,
        Func<SiloAddress, IMembershipProbe> probe, Action onSelfDead)
    {
        _table = table;
        _options = options;
        _self = self;
        _origin = TelemetryOrigin.ForSilo(self.SiloName);
        _clusterId = clusterId;
        _time = time;
        _logger = logger;
        _probe = probe;
        _onSelfDead = onSelfDead;
    }

    public ClusterMembershipSnapshot Current => _snapshot;

    public SiloStatus LocalStatus => _self.Status;

    /// <summary>Raised (on a pool thread) whenever the view changes.</summary>
    public event Action<ClusterMembershipSnapshot>? SnapshotChanged;

    public Task<string> PingAsync() => Task.FromResult(_self.SiloAddress.ToString());

    public void MembershipChanged()
    {
        if (Interlocked.Exchange(ref _refreshRequested, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                Volatile.Write(ref _refreshRequested, 0);
                try
                {
                    await RefreshAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // the periodic refresh will try again
                }
            });
        }
    }

    /// <summary>Creates the schema if needed, inserts this silo as Joining, then marks it Active and starts the background work.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        if (_options.MaxJoinTime != Timeout.InfiniteTimeSpan)
        {
            linked.CancelAfter(_options.MaxJoinTime);
        }

        var token = linked.Token;
        await RetryAsync("initialize", ct => _table.InitializeMembershipTable(true, ct), token).ConfigureAwait(false);
        await RetryAsync("clean defunct rows", ct => _table.CleanupDefunctSiloEntries(_time.GetUtcNow() - _options.DefunctSiloExpiration, ct), token).ConfigureAwait(false);
        await UpdateStatusAsync(SiloStatus.Joining, token).ConfigureAwait(false);
        await RefreshAsync(token).ConfigureAwait(false);
        await CheckConnectivityAsync(token).ConfigureAwait(false);
        await UpdateStatusAsync(SiloStatus.Active, token).ConfigureAwait(false);
        await RefreshAsync(token).ConfigureAwait(false);
        NotifyOthers();

        _loops.Add(Task.Run(() => IAmAliveLoopAsync(_stopping.Token)));
        _loops.Add(Task.Run(() => RefreshLoopAsync(_stopping.Token)));
        _loops.Add(Task.Run(() => ProbeLoopAsync(_stopping.Token)));
    }

    /// <summary>
    /// Before going Active, reach every silo the table calls Active, so a silo that cannot talk to the cluster does not join
    /// it. Rows of processes that are gone (a whole-cluster restart) must not block the join: after a few probe periods the
    /// silo goes Active anyway, and the regular probes and IAmAlive expiry mark those rows Dead.
    /// </summary>
    private async Task CheckConnectivityAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.ProbeTimeout * _options.NumMissedProbesLimit;
        while (true)
        {
            var others = _snapshot.ActiveSilos.Where(s => !s.Equals(_self.SiloAddress)).ToList();
            var reasons = await Task.WhenAll(others.Select(silo => PingAsync(silo, cancellationToken))).ConfigureAwait(false);
            var unreachable = others.Zip(reasons).Where(p => p.Second is not null).Select(p => (Silo: p.First, Reason: p.Second!)).ToList();
            if (unreachable.Count == 0)
            {
                return;
            }

            // A row whose process does not answer and whose heartbeat has stopped is a leftover (typically of a whole-cluster
            // crash): nobody else is alive to vote it out, so the joining silo marks it Dead rather than wait for it.
            var data = await _table.ReadAll(cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            foreach (var (silo, reason) in unreachable)
            {
                if (data.Find(silo) is { Entry.Status: SiloStatus.Active } row && now - row.Entry.IAmAliveTime > _options.IAmAlivePeriod * 1.5)
                {
                    await TryDeclareDeadAsync(row.Entry, row.ETag, data.Version, $"unreachable while joining ({reason}) and no IAmAlive for {(now - row.Entry.IAmAliveTime).TotalSeconds:0.0} s", cancellationToken).ConfigureAwait(false);
                    data = await _table.ReadAll(cancellationToken).ConfigureAwait(false);
                }
            }

            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (_snapshot.ActiveSilos.All(s => s.Equals(_self.SiloAddress) || !unreachable.Any(u => u.Silo.Equals(s))))
            {
                return;
            }

            if (_time.GetUtcNow() > deadline)
            {
                MembershipLog.JoiningDespiteUnreachable(_logger, string.Join(", ", unreachable.Select(u => $"{u.Silo} ({u.Reason})")));
                return;
            }

            await Task.Delay(_options.ProbeTimeout, _time, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One probe of a silo: null when it answered within the probe timeout, else why not.</summary>
    private async Task<string?> PingAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            await _probe(silo).PingAsync().WaitAsync(_options.ProbeTimeout, _time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    private async Task<bool> TryDeclareDeadAsync(MembershipEntry entry, string etag, TableVersion version, string reason, CancellationToken cancellationToken)
    {
        var dead = entry.Copy();
        dead.Status = SiloStatus.Dead;
        if (!await _table.UpdateRow(dead, etag, version.Next(), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        MembershipLog.DeclaredDead(_logger, entry.SiloAddress, reason);
        return true;
    }

    /// <summary>Graceful stop, first half: others stop placing grains here.</summary>
    public async Task BeginShutdownAsync(CancellationToken cancellationToken)
    {
        await UpdateStatusAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
        NotifyOthers();
    }

    /// <summary>Graceful stop, second half: the row goes Dead and background work ends.</summary>
    public async Task CompleteShutdownAsync(CancellationToken cancellationToken)
    {
        await StopLoopsAsync().ConfigureAwait(false);
        await UpdateStatusAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
        NotifyOthers();
    }

    /// <summary>Abrupt stop (simulated crash): no more table writes, nothing said to anyone.</summary>
    public Task StopLoopsAsync()
    {
        _stopping.Cancel();
        return Task.WhenAll(_loops).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task UpdateStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        await RetryAsync($"set status {status}", async ct =>
        {
            while (true)
            {
                var data = await _table.ReadAll(ct).ConfigureAwait(false);
                var row = data.Find(_self.SiloAddress);
                _self.Status = status;
                _self.IAmAliveTime = _time.GetUtcNow();
                var entry = _self.Copy();
                if (row is { } existing)
                {
                    entry.SuspectTimes.AddRange(existing.Entry.SuspectTimes);
                    if (existing.Entry.Status == SiloStatus.Dead && status != SiloStatus.Dead)
                    {
                        ReportSelfDead();
                        throw new SiloDeclaredDeadException($"silo {_self.SiloAddress} was declared dead by the cluster; it cannot become {status}");
                    }
                }

                var ok = row is { } r
                    ? await _table.UpdateRow(entry, r.ETag, data.Version.Next(), ct).ConfigureAwait(false)
                    : await _table.InsertRow(entry, data.Version.Next(), ct).ConfigureAwait(false);
                if (ok)
                {
                    MembershipLog.StatusChanged(_logger, _self.SiloAddress, _self.SiloName, status, _clusterId);
                    return;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task IAmAliveLoopAsync(CancellationToken cancellationToken)
    {
        var nextCleanup = _time.GetUtcNow() + TimeSpan.FromHours(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.IAmAlivePeriod, _time, cancellationToken).ConfigureAwait(false);
                _self.IAmAliveTime = _time.GetUtcNow();
                await RetryAsync("IAmAlive", ct => _table.UpdateIAmAlive(_self.Copy(), ct), cancellationToken).ConfigureAwait(false);
                if (_time.GetUtcNow() > nextCleanup)
                {
                    nextCleanup = _time.GetUtcNow() + TimeSpan.FromHours(1);
                    var before = _time.GetUtcNow() - _options.DefunctSiloExpiration;
                    await _table.CleanupDefunctSiloEntries(before, cancellationToken).ConfigureAwait(false);
                    MembershipLog.CleanedDefunct(_logger, before);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // RetryAsync has logged; keep beating
            }
        }
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.TableRefreshPeriod, _time, cancellationToken).ConfigureAwait(false);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // logged by RetryAsync
            }
        }
    }

    /// <summary>Reads the table, judges stale rows and publishes a new view if anything changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var data = await RetryAsync("read", ct => _table.ReadAll(ct), cancellationToken).ConfigureAwait(false);
            if (data.Find(_self.SiloAddress) is { Entry.Status: SiloStatus.Dead } && _self.Status != SiloStatus.Dead)
            {
                ReportSelfDead();
                return;
            }

            var changed = false;
            var now = _time.GetUtcNow();
            foreach (var (entry, etag) in data.Members)
            {
                if (entry.SiloAddress.Equals(_self.SiloAddress) || entry.Status is SiloStatus.Dead or SiloStatus.None)
                {
                    continue;
                }

                string? reason = null;
                if (data.Members.Any(m => m.Entry.SiloAddress.IsSameEndpoint(entry.SiloAddress) && m.Entry.SiloAddress.Generation > entry.SiloAddress.Generation))
                {
                    reason = "a newer process runs on the same endpoint";
                }
                else if (now - entry.IAmAliveTime > _options.IAmAliveExpiry && await PingAsync(entry.SiloAddress, cancellationToken).ConfigureAwait(false) is not null)
                {
                    // a stale heartbeat alone proves nothing (the table may have been down, clocks may differ): the silo must also not answer
                    reason = $"no IAmAlive for {(now - entry.IAmAliveTime).TotalSeconds:0} s and no answer to a probe";
                }

                if (reason is not null)
                {
                    changed = await TryDeclareDeadAsync(entry, etag, data.Version, reason, cancellationToken).ConfigureAwait(false);
                    break; // the version moved either way: the next read sees the rest
                }
            }

            if (changed)
            {
                data = await _table.ReadAll(cancellationToken).ConfigureAwait(false);
                NotifyOthers();
            }

            Publish(data);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private void Publish(MembershipTableData data)
    {
        var members = data.Members.Select(m => m.Entry).ToImmutableDictionary(e => e.SiloAddress);
        var previous = _snapshot;
        if (previous.Version == data.Version.Version && previous.Members.Count == members.Count
            && members.All(m => previous.Members.TryGetValue(m.Key, out var old) && old.Status == m.Value.Status))
        {
            return;
        }

        var snapshot = new ClusterMembershipSnapshot(data.Version.Version, members);
        _snapshot = snapshot;
        CountStatusChanges(previous, snapshot);
        MembershipLog.ViewChanged(_logger, snapshot.Version, snapshot.ActiveSilos.Length, string.Join(", ", snapshot.ActiveSilos.Select(s => members[s].SiloName + "=" + s)));
        foreach (var silo in _missedProbes.Keys)
        {
            if (snapshot.GetStatus(silo) != SiloStatus.Active)
            {
                _missedProbes.TryRemove(silo, out _);
            }
        }

        SnapshotChanged?.Invoke(snapshot);
    }

    /// <summary>Counts the members whose status differs from the previous view (a member not seen before counts too).</summary>
    private void CountStatusChanges(ClusterMembershipSnapshot previous, ClusterMembershipSnapshot current)
    {
        if (!RuntimeTelemetry.MembershipChanges.Enabled)
        {
            return;
        }

        foreach (var (silo, entry) in current.Members)
        {
            if (previous.GetStatus(silo) != entry.Status)
            {
                RuntimeTelemetry.MembershipChanges.Add(1, new(RuntimeTelemetry.SiloStatusTag, StatusTagValue(entry.Status)), _origin.Tag);
            }
        }
    }

    private static string StatusTagValue(SiloStatus status) => status switch
    {
        SiloStatus.Created => "created",
        SiloStatus.Joining => "joining",
        SiloStatus.Active => "active",
        SiloStatus.ShuttingDown => "shutting_down",
        SiloStatus.Stopping => "stopping",
        SiloStatus.Dead => "dead",
        _ => "none",
    };

    private async Task ProbeLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ProbeTimeout, _time, cancellationToken).ConfigureAwait(false);
                await Task.WhenAll(ChooseProbeTargets().Select(target => ProbeAsync(target, cancellationToken))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // a failed vote is retried on the next missed probe
            }
        }
    }

    /// <summary>The next few active silos after this one in address order: every silo is probed by several others.</summary>
    private List<SiloAddress> ChooseProbeTargets()
    {
        var others = _snapshot.ActiveSilos.Where(s => !s.Equals(_self.SiloAddress)).ToList();
        var start = others.FindIndex(s => s.CompareTo(_self.SiloAddress) > 0);
        if (start < 0)
        {
            start = 0;
        }

        return [.. Enumerable.Range(0, Math.Min(_options.NumProbedSilos, others.Count)).Select(i => others[(start + i) % others.Count])];
    }

    private async Task ProbeAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        if (await PingAsync(target, cancellationToken).ConfigureAwait(false) is not { } reason)
        {
            _missedProbes[target] = 0;
            return;
        }

        var missed = _missedProbes.AddOrUpdate(target, 1, (_, n) => n + 1);
        MembershipLog.ProbeFailed(_logger, target, missed, reason);
        if (missed >= _options.NumMissedProbesLimit)
        {
            await VoteSuspectAsync(target, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task VoteSuspectAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var data = await _table.ReadAll(cancellationToken).ConfigureAwait(false);
            if (data.Find(target) is not { } row || row.Entry.Status == SiloStatus.Dead)
            {
                break;
            }

            var now = _time.GetUtcNow();
            var entry = row.Entry.Copy();
            entry.SuspectTimes.RemoveAll(v => now - v.Time > _options.DeathVoteExpirationTimeout || v.Suspecter.Equals(_self.SiloAddress));
            entry.SuspectTimes.Add(new SuspectVote(_self.SiloAddress, now));
            var active = data.Members.Count(m => m.Entry.Status == SiloStatus.Active);
            var needed = Math.Max(1, Math.Min(_options.NumVotesForDeathDeclaration, (active + 1) / 2));
            var votes = entry.SuspectTimes.Select(v => v.Suspecter).Distinct().Count();
            if (votes >= needed)
            {
                entry.Status = SiloStatus.Dead;
            }

            if (await _table.UpdateRow(entry, row.ETag, data.Version.Next(), cancellationToken).ConfigureAwait(false))
            {
                if (entry.Status == SiloStatus.Dead)
                {
                    MembershipLog.DeclaredDead(_logger, target, $"{votes} suspicion vote(s) after {_options.NumMissedProbesLimit} missed probes");
                    _missedProbes.TryRemove(target, out _);
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                    NotifyOthers();
                }
                else
                {
                    MembershipLog.VotedSuspect(_logger, target, votes, needed);
                }

                return;
            }
        }
    }

    private void NotifyOthers()
    {
        foreach (var silo in _snapshot.ActiveSilos)
        {
            if (!silo.Equals(_self.SiloAddress))
            {
                try
                {
                    _probe(silo).MembershipChanged();
                }
                catch (Exception)
                {
                    // they refresh periodically anyway
                }
            }
        }
    }

    private void ReportSelfDead()
    {
        if (_selfDeadReported)
        {
            return;
        }

        _selfDeadReported = true;
        MembershipLog.SelfDead(_logger, _self.SiloAddress);
        _stopping.Cancel();
        _ = Task.Run(_onSelfDead);
    }

    private Task RetryAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RetryAsync<bool>(operation, async ct =>
        {
            await action(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Retries table work with exponential backoff, logging the first failure and then only every few, so an outage does not flood the log.</summary>
    private async Task<T> RetryAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var failures = 0;
        while (true)
        {
            try
            {
                var result = await action(cancellationToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    MembershipLog.TableRecovered(_logger, failures);
                }

                return result;
            }
            catch (Exception ex) when (ex is not FatalMembershipTableException and not SiloDeclaredDeadException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                failures++;
                if ((failures & (failures - 1)) == 0)
                {
                    MembershipLog.TableUnreachable(_logger, operation, (int)delay.TotalMilliseconds, ex.Message);
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryBackoff.Ticks));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
