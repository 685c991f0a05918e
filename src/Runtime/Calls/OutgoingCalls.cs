using OrleansDist.Placement;
using OrleansDist.Runtime.GrainReferences;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;

namespace OrleansDist.Runtime.Calls;

/// <summary>Builds request messages from reference calls.</summary>
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

    /// <summary>What a one-way call returns to its caller.</summary>
    public static object? OneWayReturnValue(MethodDescriptor method) => method.ReturnKind switch
    {
        ReturnKind.Void => null,
        ReturnKind.ValueTask => default(ValueTask),
        ReturnKind.Task => Task.CompletedTask,
        _ => throw new NotSupportedException($"[OneWay] method {method.InterfaceName}.{method.Method.Name} must return void, Task or ValueTask"),
    };
}
