using System.Diagnostics;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// The Client span of an outgoing call and the Server span of an incoming one, named <c>IInterface/Method</c>. Grain and
/// observer calls use <see cref="RuntimeTelemetry.Application"/>, silo services (directory, membership probes)
/// <see cref="RuntimeTelemetry.Runtime"/>. The caller's W3C context (traceparent and tracestate) travels in the message.
/// </summary>
internal static class CallSpans
{
    /// <summary>Starts the Client span of a call and writes its context (or, without a span, the caller's) into the message.</summary>
    public static Activity? StartClient(Message message, MethodDescriptor method, TelemetryOrigin origin)
    {
        var source = SourceOf(method);
        if (!source.HasListeners())
        {
            PropagateCurrent(message);
            return null;
        }

        var caller = Activity.Current;
        var activity = source.StartActivity(method.SpanName, ActivityKind.Client);
        if (activity is null)
        {
            PropagateCurrent(message);
            return null;
        }

        // the span ends when the response arrives, elsewhere: it must not stay current in the caller's flow
        Activity.Current = caller;
        if (activity.IsAllDataRequested)
        {
            SetCallTags(activity, message, method, origin);
        }

        message.TraceParent = activity.Id;
        message.TraceState = activity.TraceStateString;
        return activity;
    }

    /// <summary>
    /// Starts the Server span of an incoming call, as the child of the caller's span named in the message. It becomes
    /// <see cref="Activity.Current"/>, so the calls the turn makes are its children. Call it at the start of an async method:
    /// the change of <see cref="Activity.Current"/> stays within that method's flow.
    /// </summary>
    public static Activity? StartServer(Message message, MethodDescriptor method, TelemetryOrigin origin)
    {
        var source = SourceOf(method);
        if (!source.HasListeners())
        {
            return null;
        }

        if (!ActivityContext.TryParse(message.TraceParent, message.TraceState, isRemote: true, out var parent))
        {
            // the caller sent no context: a new trace. Whatever span is current on this thread (the turn that delivered
            // the message locally, say) is not this call's parent.
            Activity.Current = null;
        }

        var activity = source.StartActivity(method.SpanName, ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetCallTags(activity, message, method, origin);
        }

        return activity;
    }

    /// <summary>Marks a span failed: Error status with the message, and an <c>exception</c> event (type, message, stack).</summary>
    public static void Fail(Activity activity, Exception exception)
    {
        activity.AddException(exception);
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
    }

    private static ActivitySource SourceOf(MethodDescriptor method) => method.IsSystemTarget ? RuntimeTelemetry.Runtime : RuntimeTelemetry.Application;

    private static void PropagateCurrent(Message message)
    {
        // no span of ours, but keep the caller's trace flowing to the callee
        if (Activity.Current is { } current)
        {
            message.TraceParent = current.Id;
            message.TraceState = current.TraceStateString;
        }
    }

    private static void SetCallTags(Activity activity, Message message, MethodDescriptor method, TelemetryOrigin origin)
    {
        activity.SetTag(RuntimeTelemetry.RpcSystemTag, RuntimeTelemetry.RpcSystem);
        activity.SetTag(RuntimeTelemetry.RpcServiceTag, method.InterfaceName);
        activity.SetTag(RuntimeTelemetry.RpcMethodTag, method.MethodName);
        activity.SetTag(RuntimeTelemetry.GrainIdTag, message.Target.ToString());
        activity.SetTag(origin.Tag.Key, origin.Tag.Value);
    }
}
