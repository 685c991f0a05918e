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
    private readonly ITimer _sweep;
    private long _nextId;

    public CallbackTable(TimeProvider timeProvider, TimeSpan responseTimeout)
    {
        _timeProvider = timeProvider;
        var period = TimeSpan.FromTicks(Math.Clamp(responseTimeout.Ticks / 10, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _sweep = timeProvider.CreateTimer(_ => Sweep(), null, period, period);
    }

    public int Count => _pending.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Register(Message request, ResponseCompletion completion, TimeSpan timeout, SiloAddress? destination, Activity? activity)
    {
        if (_disposed)
        {
            // no sweep runs any more: fail now rather than wait for ever
            completion.TrySetException(new SiloUnavailableException($"{request.InterfaceName}.{request.MethodKey} to {request.Target}: this runtime has stopped"));
            activity?.Dispose();
            return;
        }

        var deadline = _timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * _timeProvider.TimestampFrequency);
        _pending[request.Id] = new PendingCall(request, completion, deadline, timeout, destination, activity);
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
                call.Completion.TrySetResult(serializer, body);
                call.Activity?.SetStatus(ActivityStatusCode.Ok);
                break;
            case ResponseStatus.Exception:
                var exception = serializer.DeserializeException(body);
                call.Activity?.AddException(exception);
                call.Activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                call.Completion.TrySetException(exception);
                break;
            case ResponseStatus.SiloUnavailable:
                Fail(call, new SiloUnavailableException(System.Text.Encoding.UTF8.GetString(body)));
                break;
            default:
                Fail(call, new InvalidOperationException(System.Text.Encoding.UTF8.GetString(body)));
                break;
        }

        call.Activity?.Dispose();
    }

    /// <summary>Fails one pending call, e.g. because its message could not be sent.</summary>
    public void Fail(long id, Exception exception)
    {
        if (_pending.TryRemove(id, out var call))
        {
            Fail(call, exception);
            call.Activity?.Dispose();
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

    private static void Fail(PendingCall call, Exception exception)
    {
        call.Activity?.AddException(exception);
        call.Activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        call.Completion.TrySetException(exception);
    }

    private void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (id, call) in _pending)
        {
            if (call.Deadline <= now && _pending.TryRemove(id, out _))
            {
                RuntimeTelemetry.CallTimeouts.Add(1);
                Fail(call, new TimeoutException(
                    $"Response did not arrive on time in {call.Timeout.TotalSeconds:0.###} s for {call.Request.InterfaceName}.{call.Request.MethodKey} to {call.Request.Target}" +
                    (call.Destination is null ? "" : $" on silo {call.Destination}") + " (the call may or may not have run)"));
                call.Activity?.Dispose();
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

    internal sealed record PendingCall(Message Request, ResponseCompletion Completion, long Deadline, TimeSpan Timeout, SiloAddress? InitialDestination, Activity? Activity)
    {
        /// <summary>The silo the request was last sent to, once routing chose one.</summary>
        public SiloAddress? Destination { get; set; } = InitialDestination;
    }
}
