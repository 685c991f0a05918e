using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansDist.Runtime.Serialization;

/// <summary>
/// Encodes call arguments, results and exceptions with System.Text.Json, each value by its declared type.
/// Grain references travel as identities and come back bound to the receiving runtime.
/// </summary>
internal sealed class MessageSerializer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly JsonSerializerOptions _options;

    public MessageSerializer(IGrainReferenceActivator activator)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            IncludeFields = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            MaxDepth = 128,
        };
        _options.Converters.Add(new GrainReferenceConverterFactory(activator));
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Options => _options;

    public byte[] SerializeArguments(MethodDescriptor method, object?[]? arguments)
    {
        if (method.ParameterTypes.Length == 0)
        {
            return [];
        }

        var buffer = RentBuffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < method.ParameterTypes.Length; i++)
            {
                JsonSerializer.Serialize(writer, arguments![i], method.ParameterTypes[i], _options);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public object?[] DeserializeArguments(MethodDescriptor method, ReadOnlySpan<byte> body)
    {
        var types = method.ParameterTypes;
        if (types.Length == 0)
        {
            return [];
        }

        var reader = new Utf8JsonReader(body);
        var arguments = new object?[types.Length];
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("arguments must be a JSON array");
        }

        for (var i = 0; i < types.Length; i++)
        {
            if (!reader.Read())
            {
                throw new JsonException($"expected {types.Length} arguments, got {i}");
            }

            arguments[i] = JsonSerializer.Deserialize(ref reader, types[i], _options);
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException($"expected {types.Length} arguments, got more");
        }

        return arguments;
    }

    public byte[] SerializeValue(object? value, Type type)
    {
        var buffer = RentBuffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, type, _options);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public T DeserializeValue<T>(ReadOnlySpan<byte> body) => JsonSerializer.Deserialize<T>(body, _options)!;

    public byte[] SerializeException(Exception exception) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ExceptionPayload(exception.GetType().AssemblyQualifiedName ?? exception.GetType().FullName!, exception.GetType().FullName!, exception.Message, exception.StackTrace),
            _options);

    /// <summary>Rebuilds the remote exception: the same type when it is known here and has a (string message) constructor.</summary>
    public Exception DeserializeException(ReadOnlySpan<byte> body)
    {
        ExceptionPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<ExceptionPayload>(body, _options);
        }
        catch (JsonException ex)
        {
            return new GrainCallException("unknown", "The remote side sent an unreadable exception: " + ex.Message, null);
        }

        if (payload is null)
        {
            return new GrainCallException("unknown", "The remote side sent an empty exception", null);
        }

        try
        {
            var type = Type.GetType(payload.AssemblyQualifiedType ?? "", throwOnError: false);
            if (type is not null && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor([typeof(string)]) is not null)
            {
                var exception = (Exception)Activator.CreateInstance(type, payload.Message)!;
                exception.Data["RemoteStackTrace"] = payload.StackTrace;
                return exception;
            }
        }
        catch (Exception)
        {
            // an unloadable or unconstructible type (bad assembly name, throwing constructor): the generic carrier below
        }

        return new GrainCallException(payload.Type ?? "unknown", payload.Message ?? "", payload.StackTrace);
    }

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private sealed record ExceptionPayload(string? AssemblyQualifiedType, string? Type, string? Message, string? StackTrace);
}
