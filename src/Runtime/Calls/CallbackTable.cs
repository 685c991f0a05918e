using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Calls;

/// <summary>
/// Requests waiting for their responses. A sweep fails the overdue ones with <see cref="TimeoutException"/>, so a lost
/// message or a call cycle ends in a timeout, never a hang.
/// </summary>
internal sealed class CallbackTable : IDisposable
{
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly TimeProvider _timeProvider;
    private readonly TelemetryOrigin _origin;
    private readonly ITimer _sweep;
    private long _nextId;

    public CallbackTable(TimeProvider timeProvider, TimeSpan responseTimeout, TelemetryOrigin origin)
    {
        _timeProvider = timeProvider;
        _origin = origin;
        var period = TimeSpan.FromTicks(Math.Clamp(responseTimeout.Ticks / 10, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _sweep = timeProvider.CreateTimer(_ => Sweep(), null, period, period);
    }

    public int Count => _pending.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Waits for the response to <paramref name="request"/>; <paramref name="activity"/> (the Client span) ends with the call.</summary>
    public void Register(Message request, MethodDescriptor method, ResponseCompletion completion, TimeSpan timeout, SiloAddress? destination, Activity? activity)
    {
        var deadline = _timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * _timeProvider.TimestampFrequency);
        var call = new PendingCall(request, method, completion, deadline, timeout, destination, activity, CallMetrics.StartTimestamp());
        if (_disposed)
        {
            // no sweep runs any more: fail now rather than wait for ever
            Fail(call, new SiloUnavailableException($"{request.InterfaceName}.{request.MethodKey} to {request.Target}: this runtime has stopped"));
            return;
        }

        _pending[request.Id] = call;
    }

    public void SetDestination(long id, SiloAddress silo)
    {
        if (_pending.TryGetValue(id, out var call))
        {
            call.Destination = silo;
        }
    }

    public void Complete(Message response, MessageSerializer serializer)
    {
        if (!_pending.TryRemove(response.Id, out var call))
        {
            return;
        }

        var body = response.Body.Span;
        switch (response.ResponseStatus)
        {
            case ResponseStatus.Success:
                call.Activity?.SetStatus(ActivityStatusCode.Ok);
                End(call, RuntimeTelemetry.OutcomeOk);
                call.Completion.TrySetResult(serializer, body);
                break;
            case ResponseStatus.Exception:
                Fail(call, serializer.DeserializeException(body));
                break;
            case ResponseStatus.SiloUnavailable:
                Fail(call, new SiloUnavailableException(System.Text.Encoding.UTF8.GetString(body)));
                break;
            default:
                Fail(call, new InvalidOperationException(System.Text.Encoding.UTF8.GetString(body)));
                break;
        }
    }

    /// <summary>Fails one pending call, e.g. because its message could not be sent.</summary>
    public void Fail(long id, Exception exception)
    {
        if (_pending.TryRemove(id, out var call))
        {
            Fail(call, exception);
        }
    }

    /// <summary>Fails every call sent to a silo that is now known to be gone.</summary>
    public void FailCallsTo(SiloAddress silo, string reason)
    {
        foreach (var (id, call) in _pending)
        {
            if (call.Destination is not null && call.Destination.Equals(silo))
            {
                Fail(id, new SiloUnavailableException($"{call.Request.InterfaceName}.{call.Request.MethodKey} to {call.Request.Target}: {reason}"));
            }
        }
    }

    /// <summary>Fails every pending call (client disconnect, shutdown).</summary>
    public void FailAll(Func<PendingCall, Exception> exception)
    {
        foreach (var (id, call) in _pending)
        {
            Fail(id, exception(call));
        }
    }

    private void Fail(PendingCall call, Exception exception, string outcome = RuntimeTelemetry.OutcomeError)
    {
        if (call.Activity is { } activity)
        {
            CallSpans.Fail(activity, exception);
        }

        End(call, outcome);
        call.Completion.TrySetException(exception);
    }

    /// <summary>
    /// Ends the span and records the call before the caller's continuation can run (a listener then sees the call as done
    /// by the time the caller does).
    /// </summary>
    private void End(PendingCall call, string outcome)
    {
        if (call.Activity is { } activity)
        {
            // Stop makes the caller's span current again, here on the connection's read loop or the sweep timer, whose
            // later work would then join the caller's trace: keep this flow's own current span
            var current = Activity.Current;
            activity.Dispose();
            Activity.Current = current;
        }

        CallMetrics.CallMade(_origin, call.Method, outcome, call.StartTimestamp);
    }

    private void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (id, call) in _pending)
        {
            if (call.Deadline <= now && _pending.TryRemove(id, out _))
            {
                CallMetrics.CallTimedOut(_origin, call.Method);
                Fail(
                    call,
                    new TimeoutException(
                        $"Response did not arrive on time in {call.Timeout.TotalSeconds:0.###} s for {call.Request.InterfaceName}.{call.Request.MethodKey} to {call.Request.Target}" +
                        (call.Destination is null ? "" : $" on silo {call.Destination}") + " (the call may or may not have run)"),
                    RuntimeTelemetry.OutcomeTimeout);
            }
        }
    }

    private volatile bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _sweep.Dispose();
        FailAll(call => new SiloUnavailableException($"{call.Request.InterfaceName}.{call.Request.MethodKey} to {call.Request.Target}: this runtime has stopped"));
    }

    /// <param name="StartTimestamp">Stopwatch timestamp for the duration histogram; 0 when nobody measured it.</param>
    internal sealed record PendingCall(
        Message Request, MethodDescriptor Method, ResponseCompletion Completion, long Deadline, TimeSpan Timeout, SiloAddress? InitialDestination, Activity? Activity, long StartTimestamp)
    {
        /// <summary>The silo the request was last sent to, once routing chose one.</summary>
        public SiloAddress? Destination { get; set; } = InitialDestination;
    }
}
