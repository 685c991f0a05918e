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
    /// Runs the call in a Server span (when traced). A result too big for <paramref name="maxMessageSize"/> is answered with an
    /// exception instead (a frame that big would make the receiver close the connection).
    /// </summary>
    public static async Task InvokeAsync(
        object target, Message message, MessageSerializer serializer, int maxMessageSize, Action<Message> sendResponse, Action<Exception>? oneWayFailed, TelemetryOrigin origin)
    {
        Activity? activity = null;
        MethodDescriptor? invoked = null;
        var ended = false;
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

            invoked = method;
            activity = CallSpans.StartServer(message, method, origin);
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

            var body = ReadOnlyMemory<byte>.Empty;
            if (message.Direction == MessageDirection.Request && method.ResultType is not null)
            {
                body = serializer.SerializeValue(result, method.ResultType);
                if (body.Length > maxMessageSize - 4096)
                {
                    throw new InvalidOperationException(
                        $"The result of {method.InterfaceType.Name}.{method.Method.Name} is {body.Length:N0} bytes, over MaxMessageSize; return it in smaller pieces");
                }
            }

            // the span and the count end before the response leaves, so the caller never sees its call done before them
            ended = true;
            activity?.Dispose();
            CallMetrics.CallReceived(origin, method.InterfaceName, method.MethodName, RuntimeTelemetry.OutcomeOk);
            if (message.Direction == MessageDirection.Request)
            {
                sendResponse(message.CreateResponse(ResponseStatus.Success, body));
            }
        }
        catch (Exception ex)
        {
            var exception = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            if (!ended)
            {
                if (activity is not null)
                {
                    CallSpans.Fail(activity, exception);
                    activity.Dispose();
                }

                CallMetrics.CallReceived(origin, invoked?.InterfaceName ?? message.InterfaceName, invoked?.MethodName ?? message.MethodKey, RuntimeTelemetry.OutcomeError);
            }

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
}
