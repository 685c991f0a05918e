using System.Diagnostics;
using System.Reflection;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Calls;

/// <summary>Runs one request against a target object (grain, system target or observer) and sends the response.</summary>
internal static class IncomingCallInvoker
{
    /// <summary>
    /// Runs the call. A result too big for <paramref name="maxMessageSize"/> is answered with an exception instead (a frame that
    /// big would make the receiver close the connection).
    /// </summary>
    public static async Task InvokeAsync(object target, Message message, MessageSerializer serializer, int maxMessageSize, Action<Message> sendResponse, Action<Exception>? oneWayFailed)
    {
        Activity? activity = null;
        try
        {
            if (!InterfaceMetadata.TryGetByName(message.InterfaceName, out var metadata) || !metadata.TryGetMethod(message.MethodKey, out var method))
            {
                throw new InvalidOperationException($"{target.GetType().Name} has no method {message.InterfaceName}.{message.MethodKey}");
            }

            if (!metadata.InterfaceType.IsInstanceOfType(target))
            {
                throw new InvalidOperationException($"{target.GetType().Name} does not implement {message.InterfaceName}");
            }

            activity = StartServerActivity(message, method);
            var arguments = serializer.DeserializeArguments(method, message.Body.Span);
            var returned = method.Invoker.Invoke(target, new Span<object?>(arguments));
            object? result = null;
            switch (method.ReturnKind)
            {
                case ReturnKind.Task:
                    await ((Task)returned!).ConfigureAwait(true);
                    break;
                case ReturnKind.ValueTask:
                    await ((ValueTask)returned!).ConfigureAwait(true);
                    break;
                case ReturnKind.TaskOfT:
                case ReturnKind.ValueTaskOfT:
                    result = await method.AwaitResult!(returned!).ConfigureAwait(true);
                    break;
            }

            if (message.Direction == MessageDirection.Request)
            {
                var body = method.ResultType is null ? ReadOnlyMemory<byte>.Empty : serializer.SerializeValue(result, method.ResultType);
                if (body.Length > maxMessageSize - 4096)
                {
                    throw new InvalidOperationException(
                        $"The result of {method.InterfaceType.Name}.{method.Method.Name} is {body.Length:N0} bytes, over MaxMessageSize; return it in smaller pieces");
                }

                sendResponse(message.CreateResponse(ResponseStatus.Success, body));
            }
        }
        catch (Exception ex)
        {
            var exception = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (message.Direction == MessageDirection.Request)
            {
                sendResponse(message.CreateResponse(ResponseStatus.Exception, serializer.SerializeException(exception)));
            }
            else
            {
                oneWayFailed?.Invoke(exception);
            }
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private static Activity? StartServerActivity(Message message, MethodDescriptor method)
    {
        var source = typeof(SystemTargets.ISystemTarget).IsAssignableFrom(method.InterfaceType) ? RuntimeTelemetry.Runtime : RuntimeTelemetry.Application;
        if (!source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(message.TraceParent, message.TraceState, isRemote: true, out var parent);
        var activity = source.StartActivity(method.SpanName, ActivityKind.Server, parent);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "orleansdist");
            activity.SetTag("rpc.service", method.InterfaceName);
            activity.SetTag("rpc.method", method.Method.Name);
            activity.SetTag("orleansdist.grain_id", message.Target.ToString());
        }

        return activity;
    }
}
