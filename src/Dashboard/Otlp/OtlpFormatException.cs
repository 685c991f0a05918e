namespace OrleansDist.Dashboard.Otlp;

/// <summary>An OTLP request body that cannot be decoded; the message is short enough to send back to the exporter.</summary>
public sealed class OtlpFormatException(string message) : Exception(message);
