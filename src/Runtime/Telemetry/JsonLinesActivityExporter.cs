using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;

namespace OrleansDist.Runtime.Telemetry;

/// <summary>
/// Writes finished spans to a file, one JSON object per line, for reading traces without a collector
/// (<c>orleansdist trace FILE</c> prints them as trees). Several processes may append to the same file.
/// </summary>
public sealed class JsonLinesActivityExporter : BaseExporter<Activity>
{
    private readonly string _path;
    private readonly string _serviceName;
    private readonly object _lock = new();

    public JsonLinesActivityExporter(string path, string serviceName)
    {
        _path = Path.GetFullPath(path);
        _serviceName = serviceName;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        using var buffer = new MemoryStream();
        foreach (var activity in batch)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, activity);
            }

            buffer.WriteByte((byte)'\n');
        }

        try
        {
            lock (_lock)
            {
                // O_APPEND writes of whole lines: processes sharing the file do not tear each other's records
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                buffer.WriteTo(file);
            }

            return ExportResult.Success;
        }
        catch (IOException)
        {
            return ExportResult.Failure;
        }
    }

    private void Write(Utf8JsonWriter writer, Activity activity)
    {
        writer.WriteStartObject();
        writer.WriteString("service", _serviceName);
        writer.WriteString("name", activity.DisplayName);
        writer.WriteString("kind", activity.Kind.ToString());
        writer.WriteString("source", activity.Source.Name);
        writer.WriteString("traceId", activity.TraceId.ToHexString());
        writer.WriteString("spanId", activity.SpanId.ToHexString());
        writer.WriteString("parentSpanId", activity.ParentSpanId == default ? "" : activity.ParentSpanId.ToHexString());
        writer.WriteString("start", activity.StartTimeUtc);
        writer.WriteNumber("durationUs", Math.Round(activity.Duration.TotalMicroseconds, 1));
        writer.WriteString("status", activity.Status.ToString());
        if (activity.StatusDescription is { } description)
        {
            writer.WriteString("statusDescription", description);
        }

        writer.WriteStartObject("tags");
        foreach (var (key, value) in activity.TagObjects)
        {
            writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
        writer.WriteStartArray("events");
        foreach (var e in activity.Events)
        {
            writer.WriteStartObject();
            writer.WriteString("name", e.Name);
            writer.WriteString("time", e.Timestamp.UtcDateTime);
            foreach (var (key, value) in e.Tags)
            {
                writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
