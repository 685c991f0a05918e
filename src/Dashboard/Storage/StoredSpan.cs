namespace OrleansDist.Dashboard.Storage;

/// <summary>One received span, immutable. Ids are lowercase hex (32 characters for traces, 16 for spans).</summary>
public sealed record StoredSpan
{
    /// <summary>The service name used when the resource has no <c>service.name</c>, as the OpenTelemetry specification says.</summary>
    public const string UnknownService = "unknown_service";

    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    /// <summary>Null for a span that claims no parent.</summary>
    public string? ParentSpanId { get; init; }

    public required string Name { get; init; }

    public SpanKind Kind { get; init; }

    public ulong StartUnixNano { get; init; }

    public ulong EndUnixNano { get; init; }

    /// <summary>The resource's <c>service.name</c>.</summary>
    public string ServiceName { get; init; } = UnknownService;

    /// <summary>The instrumentation scope (ActivitySource / tracer) name; empty when not sent.</summary>
    public string ScopeName { get; init; } = "";

    public IReadOnlyList<SpanAttribute> Attributes { get; init; } = [];

    public IReadOnlyList<SpanEvent> Events { get; init; } = [];

    public SpanStatusCode StatusCode { get; init; }

    public string StatusMessage { get; init; } = "";

    /// <summary>Attributes of the process that sent the span (service.name, service.instance.id, host.name, ...); shared by its batch.</summary>
    public IReadOnlyList<SpanAttribute> ResourceAttributes { get; init; } = [];

    /// <summary>Start as a UTC time (100 ns resolution).</summary>
    public DateTime StartUtc => UnixNanoToUtc(StartUnixNano);

    /// <summary>End minus start; zero when the sender's end is before its start.</summary>
    public TimeSpan Duration => EndUnixNano > StartUnixNano ? TimeSpan.FromTicks((long)((EndUnixNano - StartUnixNano) / 100)) : TimeSpan.Zero;

    /// <summary>Value of the span attribute <paramref name="key"/>, or null.</summary>
    public object? GetAttribute(string key)
    {
        foreach (var attribute in Attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }

        return null;
    }

    internal static DateTime UnixNanoToUtc(ulong unixNano) =>
        // ulong nanoseconds reach only year 2554, well inside DateTime's range.
        DateTime.UnixEpoch.AddTicks((long)(unixNano / 100));
}
