namespace OrleansDist.Dashboard.Otlp;

/// <summary>The two OTLP/HTTP encodings.</summary>
internal enum OtlpPayloadFormat
{
    Protobuf,
    Json,
}
