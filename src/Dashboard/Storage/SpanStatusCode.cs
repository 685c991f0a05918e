namespace OrleansDist.Dashboard.Storage;

/// <summary>OTLP's status code, with the same numbers as the wire format.</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}
