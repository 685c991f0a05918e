namespace OrleansDist.Dashboard.Storage;

/// <summary>OTLP's span kind, with the same numbers as the wire format.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
