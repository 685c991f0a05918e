using System.Globalization;
using System.Text.Json;

namespace OrleansDist.Client;

/// <summary>Prints the spans of a JSON-lines trace file (written with --trace-file) as one indented tree per trace.</summary>
internal static class TraceTree
{
    public static async Task<int> PrintAsync(string path, string? traceIdFilter, int maxTraces, TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"error: trace file '{path}' does not exist (start silos or the client with --trace-file {path})");
            return Program.ExitFailed;
        }

        var spans = new List<Span>();
        var lineNumber = 0;
        var bad = 0;
        await foreach (var line in File.ReadLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var span = JsonSerializer.Deserialize<Span>(line, Options);
                if (span is { TraceId.Length: > 0, SpanId.Length: > 0 })
                {
                    spans.Add(span);
                    continue;
                }
            }
            catch (JsonException)
            {
            }

            bad++;
        }

        if (bad > 0)
        {
            await Console.Error.WriteLineAsync($"warning: skipped {bad} unreadable line(s) of {lineNumber} in {path}");
        }

        var traces = spans
            .Where(s => traceIdFilter is null || s.TraceId.StartsWith(traceIdFilter, StringComparison.OrdinalIgnoreCase))
            .GroupBy(s => s.TraceId)
            .OrderBy(g => g.Min(s => s.Start))
            .ToList();
        foreach (var trace in traces.TakeLast(maxTraces))
        {
            var byParent = trace.ToLookup(s => s.ParentSpanId ?? "");
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            var roots = trace.Where(s => string.IsNullOrEmpty(s.ParentSpanId) || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start);
            await output.WriteLineAsync($"trace {trace.Key} ({trace.Count()} spans, {trace.Min(s => s.Start):HH:mm:ss.fff} UTC)");
            foreach (var root in roots)
            {
                await WriteAsync(output, root, byParent, 1);
            }
        }

        await output.WriteLineAsync($"{traces.Count} trace(s), {spans.Count} span(s) in {path}" + (traces.Count > maxTraces ? $"; showing the last {maxTraces}" : ""));
        return Program.ExitOk;
    }

    private static async Task WriteAsync(TextWriter output, Span span, ILookup<string, Span> byParent, int depth)
    {
        var status = span.Status == "Error" ? $"  ERROR {span.StatusDescription}" : "";
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{new string(' ', depth * 2)}{span.Name} [{span.Kind}] {span.Service}  {span.DurationUs:0.0} µs{status}"));
        foreach (var child in byParent[span.SpanId].OrderBy(s => s.Start))
        {
            await WriteAsync(output, child, byParent, depth + 1);
        }
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private sealed record Span(string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Service, DateTime Start, double DurationUs, string Status, string? StatusDescription);
}
