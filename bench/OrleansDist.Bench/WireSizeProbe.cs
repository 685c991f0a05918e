using System.Diagnostics.Metrics;

namespace OrleansDist.Bench;

/// <summary>
/// Counts the sizes of the messages a silo process receives (requests) and sends (responses), from Orleans' own messaging
/// instruments (meter <c>Microsoft.Orleans</c>). Only on while probing: a listener makes Orleans record every message,
/// which the measured runs should not pay for.
/// </summary>
internal static class WireSizeProbe
{
    private const string MeterName = "Microsoft.Orleans";
    private const string Received = "orleans-messaging-received-messages-size";
    private const string Sent = "orleans-messaging-sent-messages-size";

    /// <summary>Orleans' frame prefix (header length and body length, 4 bytes each), not part of the recorded sizes.</summary>
    public const int FramingBytes = 8;

    private static readonly object s_lock = new();
    private static MeterListener? s_listener;
    private static Dictionary<int, int> s_requests = [];
    private static Dictionary<int, int> s_responses = [];

    public static WireSizes? Start()
    {
        lock (s_lock)
        {
            s_listener?.Dispose();
            s_requests = [];
            s_responses = [];
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == MeterName && instrument.Name is Received or Sent)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, (int)value, tags));
            s_listener = listener;
            listener.Start();
            return null;
        }
    }

    public static WireSizes? Stop()
    {
        lock (s_lock)
        {
            s_listener?.Dispose();
            s_listener = null;
            var request = Mode(s_requests);
            var response = Mode(s_responses);
            return request is null || response is null
                ? null
                : new WireSizes(request.Value.Size + FramingBytes, response.Value.Size + FramingBytes, Math.Min(request.Value.Count, response.Value.Count));
        }
    }

    private static void OnMeasurement(string instrument, int size, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? direction = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "MessageDirection")
            {
                direction = tag.Value as string;
            }
        }

        var counts = (instrument, direction) switch
        {
            (Received, "Request") => s_requests,
            (Sent, "Response") => s_responses,
            _ => null,
        };
        if (counts is null)
        {
            return;
        }

        lock (s_lock)
        {
            counts[size] = counts.GetValueOrDefault(size) + 1;
        }
    }

    private static (int Size, int Count)? Mode(Dictionary<int, int> counts) =>
        counts.Count == 0 ? null : counts.MaxBy(kv => kv.Value) is var best ? (best.Key, best.Value) : null;
}
