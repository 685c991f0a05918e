using System.Text.Json.Serialization;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>Source-generated JSON for the few values the receiver writes (escaping of reasons in error bodies).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class OtlpJsonContext : JsonSerializerContext;
