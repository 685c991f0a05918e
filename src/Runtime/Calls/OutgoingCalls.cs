using System.Diagnostics;
using OrleansDist.Placement;
using OrleansDist.Runtime.GrainReferences;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Calls;

/// <summary>Builds request messages from reference calls, with tracing, and hands them to the process's router.</summary>
internal static class OutgoingCalls
{
    public static Message CreateRequest(GrainId target, MethodDescriptor method, object?[]? arguments, MessageSerializer serializer)
    {
        var message = new Message
        {
            Direction = method.IsOneWay ? MessageDirection.OneWay : MessageDirection.Request,
            Target = target,
            InterfaceName = method.InterfaceName,
            MethodKey = method.Key,
            Body = serializer.SerializeArguments(method, arguments),
            PlacementSiloName = PlacementHint.CurrentSiloName,
        };
        if (method.AlwaysInterleave)
        {
            message.Flags |= MessageFlags.AlwaysInterleave;
        }

        return message;
    }

    /// <summary>Starts the Client-kind span of a call and writes its context into the message.</summary>
    public static Activity? StartClientActivity(Message message, MethodDescriptor method)
    {
        var caller = Activity.Current;
        var activity = RuntimeTelemetry.Application.StartActivity(method.SpanName, ActivityKind.Client);
        if (activity is not null)
        {
            // the span ends when the response arrives, elsewhere: it must not stay current in the caller's flow
            Activity.Current = caller;
            activity.SetTag("rpc.system", "orleansdist");
            activity.SetTag("rpc.service", method.InterfaceName);
            activity.SetTag("rpc.method", method.Method.Name);
            activity.SetTag("orleansdist.grain_id", message.Target.ToString());
            message.TraceParent = activity.Id;
            message.TraceState = activity.TraceStateString;
        }
        else if (Activity.Current is { } current)
        {
            // no listener for our source, but keep the caller's trace flowing to the callee
            message.TraceParent = current.Id;
            message.TraceState = current.TraceStateString;
        }

        return activity;
    }

    /// <summary>What a one-way call returns to its caller.</summary>
    public static object? OneWayReturnValue(MethodDescriptor method) => method.ReturnKind switch
    {
        ReturnKind.Void => null,
        ReturnKind.ValueTask => default(ValueTask),
        ReturnKind.Task => Task.CompletedTask,
        _ => throw new NotSupportedException($"[OneWay] method {method.InterfaceName}.{method.Method.Name} must return void, Task or ValueTask"),
    };
}
