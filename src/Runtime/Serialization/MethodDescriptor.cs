using System.Reflection;
using OrleansDist.Concurrency;

namespace OrleansDist.Runtime.Serialization;

internal enum ReturnKind
{
    Void,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>Everything the runtime needs to call one interface method remotely, computed once per method.</summary>
internal sealed class MethodDescriptor
{
    private static readonly MethodInfo s_awaitTask = typeof(MethodDescriptor).GetMethod(nameof(AwaitTaskOfT), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_awaitValueTask = typeof(MethodDescriptor).GetMethod(nameof(AwaitValueTaskOfT), BindingFlags.NonPublic | BindingFlags.Static)!;

    public MethodDescriptor(Type interfaceType, MethodInfo method)
    {
        InterfaceType = interfaceType;
        InterfaceName = interfaceType.FullName!;
        Method = method;
        MethodName = method.Name;
        IsSystemTarget = typeof(SystemTargets.ISystemTarget).IsAssignableFrom(interfaceType);
        ParameterTypes = [.. method.GetParameters().Select(p => p.ParameterType)];
        Key = $"{method.Name}`{ParameterTypes.Length}";
        IsOneWay = method.GetCustomAttribute<OneWayAttribute>() is not null;
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        Invoker = MethodInvoker.Create(method);

        var returnType = method.ReturnType;
        if (returnType == typeof(void))
        {
            ReturnKind = ReturnKind.Void;
        }
        else if (returnType == typeof(Task))
        {
            ReturnKind = ReturnKind.Task;
        }
        else if (returnType == typeof(ValueTask))
        {
            ReturnKind = ReturnKind.ValueTask;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            ReturnKind = ReturnKind.TaskOfT;
            ResultType = returnType.GetGenericArguments()[0];
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            ReturnKind = ReturnKind.ValueTaskOfT;
            ResultType = returnType.GetGenericArguments()[0];
        }
        else
        {
            throw new NotSupportedException(
                $"{InterfaceName}.{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T> (void only with [OneWay]).");
        }

        if (ReturnKind == ReturnKind.Void && !IsOneWay)
        {
            throw new NotSupportedException($"{InterfaceName}.{method.Name} returns void; mark it [OneWay] or return Task.");
        }

        if (method.IsGenericMethodDefinition)
        {
            throw new NotSupportedException($"{InterfaceName}.{method.Name} is generic; generic grain methods are not supported.");
        }

        if (ResultType is not null)
        {
            var awaiter = (ReturnKind == ReturnKind.TaskOfT ? s_awaitTask : s_awaitValueTask).MakeGenericMethod(ResultType);
            AwaitResult = awaiter.CreateDelegate<Func<object, Task<object?>>>();
            CreateCompletion = (Func<ResponseCompletion>)Delegate.CreateDelegate(
                typeof(Func<ResponseCompletion>),
                typeof(ResponseCompletion<>).MakeGenericType(ResultType).GetMethod(nameof(ResponseCompletion<int>.Create), BindingFlags.Public | BindingFlags.Static)!);
        }
        else
        {
            CreateCompletion = VoidResponseCompletion.Create;
        }
    }

    public Type InterfaceType { get; }

    public string InterfaceName { get; }

    public MethodInfo Method { get; }

    /// <summary>The method's name, the <c>rpc.method</c> of its spans and measurements.</summary>
    public string MethodName { get; }

    /// <summary>A silo service's method (directory, membership probe): traced by the runtime source, not the application one.</summary>
    public bool IsSystemTarget { get; }

    /// <summary>Name and arity: overloads of equal arity are rejected when the interface is loaded.</summary>
    public string Key { get; }

    public Type[] ParameterTypes { get; }

    public ReturnKind ReturnKind { get; }

    public Type? ResultType { get; }

    public bool IsOneWay { get; }

    public bool AlwaysInterleave { get; }

    public MethodInvoker Invoker { get; }

    /// <summary>Awaits a Task&lt;T&gt;/ValueTask&lt;T&gt; returned by the implementation and boxes its result.</summary>
    public Func<object, Task<object?>>? AwaitResult { get; }

    public Func<ResponseCompletion> CreateCompletion { get; }

    /// <summary>The span name used by tracing: <c>IInterface/Method</c>.</summary>
    public string SpanName => field ??= $"{InterfaceType.Name}/{MethodName}";

    private static async Task<object?> AwaitTaskOfT<T>(object task) => await ((Task<T>)task).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTaskOfT<T>(object task) => await ((ValueTask<T>)task).ConfigureAwait(false);
}
