namespace OrleansDist.Runtime.Serialization;

/// <summary>The caller's side of one request: a typed task that the response (or a failure) completes.</summary>
internal abstract class ResponseCompletion
{
    /// <summary>Completes with the response body; returns false if it had already completed (e.g. timed out).</summary>
    public abstract bool TrySetResult(MessageSerializer serializer, ReadOnlySpan<byte> body);

    public abstract bool TrySetException(Exception exception);

    /// <summary>The object handed to the caller: a Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
    public abstract object ToReturnValue(ReturnKind kind);

    public abstract Task Task { get; }
}

internal sealed class ResponseCompletion<T> : ResponseCompletion
{
    private readonly TaskCompletionSource<T> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ResponseCompletion Create() => new ResponseCompletion<T>();

    public override Task Task => _source.Task;

    public override bool TrySetResult(MessageSerializer serializer, ReadOnlySpan<byte> body)
    {
        T value;
        try
        {
            value = serializer.DeserializeValue<T>(body);
        }
        catch (Exception ex)
        {
            return _source.TrySetException(new InvalidOperationException($"Could not deserialize the response as {typeof(T).Name}: {ex.Message}", ex));
        }

        return _source.TrySetResult(value);
    }

    public override bool TrySetException(Exception exception) => _source.TrySetException(exception);

    public override object ToReturnValue(ReturnKind kind) => kind == ReturnKind.ValueTaskOfT ? new ValueTask<T>(_source.Task) : _source.Task;
}

internal sealed class VoidResponseCompletion : ResponseCompletion
{
    private readonly TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ResponseCompletion Create() => new VoidResponseCompletion();

    public override Task Task => _source.Task;

    public override bool TrySetResult(MessageSerializer serializer, ReadOnlySpan<byte> body) => _source.TrySetResult();

    public override bool TrySetException(Exception exception) => _source.TrySetException(exception);

    public override object ToReturnValue(ReturnKind kind) => kind == ReturnKind.ValueTask ? new ValueTask(_source.Task) : _source.Task;
}
