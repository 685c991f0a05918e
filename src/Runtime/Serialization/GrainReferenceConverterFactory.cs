using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansDist.Runtime.Serialization;

/// <summary>Writes grain and observer references as their identity, and reads them back as live references.</summary>
internal sealed class GrainReferenceConverterFactory(IGrainReferenceActivator activator) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsInterface && typeof(IAddressable).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert), activator)!;

    private sealed class Converter<TInterface>(IGrainReferenceActivator activator) : JsonConverter<TInterface>
        where TInterface : class, IAddressable
    {
        public override TInterface? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("A grain reference is written as [type, key, interface]");
            }

            reader.Read();
            var type = reader.GetString() ?? throw new JsonException("grain type missing");
            reader.Read();
            var key = reader.GetString() ?? throw new JsonException("grain key missing");
            reader.Read();
            var interfaceName = reader.GetString() ?? throw new JsonException("interface missing");
            reader.Read();
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw new JsonException("A grain reference has three elements");
            }

            var interfaceType = InterfaceMetadata.TryGetByName(interfaceName, out var metadata) ? metadata.InterfaceType : typeof(TInterface);
            return (TInterface)activator.CreateReference(interfaceType, new GrainId(type, key));
        }

        public override void Write(Utf8JsonWriter writer, TInterface value, JsonSerializerOptions options)
        {
            if (value is not IGrainReference reference)
            {
                throw new JsonException(
                    $"A {value.GetType().Name} was passed where a {typeof(TInterface).Name} reference is expected; pass a grain reference, or for observers the result of CreateObjectReference.");
            }

            writer.WriteStartArray();
            writer.WriteStringValue(reference.GrainId.Type);
            writer.WriteStringValue(reference.GrainId.Key);
            writer.WriteStringValue(reference.InterfaceType.FullName);
            writer.WriteEndArray();
        }
    }
}
