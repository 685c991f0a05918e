using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansDist.Runtime.Membership;

/// <summary>Silo addresses travel in their text form.</summary>
public sealed class SiloAddressJsonConverter : JsonConverter<SiloAddress>
{
    public override SiloAddress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : SiloAddress.Parse(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, SiloAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
