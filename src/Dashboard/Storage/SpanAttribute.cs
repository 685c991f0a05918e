namespace OrleansDist.Dashboard.Storage;

/// <summary>
/// One key/value attribute. <see cref="Value"/> is a <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, <c>byte[]</c>, <c>IReadOnlyList&lt;object?&gt;</c> (an OTLP array),
/// <c>IReadOnlyList&lt;SpanAttribute&gt;</c> (an OTLP key/value list) or null (an empty OTLP value).
/// </summary>
public sealed record SpanAttribute(string Key, object? Value);
