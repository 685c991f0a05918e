using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>Checks a download request before anything starts, with messages that say what to change.</summary>
public static class DownloadRequestValidator
{
    public const int MaxExpectedLines = 1_000_000;

    /// <summary>The first problem found, or null when the request is valid.</summary>
    public static string? Validate(DownloadRequest request)
    {
        try
        {
            _ = FetchSession.ParseServer(request.Server);
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }

        if (string.IsNullOrWhiteSpace(request.Entry) || request.Entry.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || !request.Entry.Contains('@', StringComparison.Ordinal))
        {
            return $"entry '{request.Entry}' must look like entryID@team (no spaces or control characters)";
        }

        if (request.Fetchers is < 1 or > SourceAddressPlan.MaxLoopbackFetchers)
        {
            return $"fetchers must be between 1 and {SourceAddressPlan.MaxLoopbackFetchers} (got {request.Fetchers})";
        }

        if (request.ExpectedLines is < 1 or > MaxExpectedLines)
        {
            return $"lines must be between 1 and {MaxExpectedLines} (got {request.ExpectedLines})";
        }

        if (SourceAddressPlan.Validate(request.SourceAddresses) is { } sourceError)
        {
            return sourceError;
        }

        if (request.SourceAddresses.Length > 0 && request.SourceAddresses.Length < request.Fetchers)
        {
            return $"{request.Fetchers} fetchers need {request.Fetchers} source addresses (one session each), got {request.SourceAddresses.Length}";
        }

        if (request.PipelineDepth is < 1 or > 256 || request.FlushLines < 1 || request.FlushIntervalMs is < 1 or > 60_000
            || request.MaxLineLength is < 16 or > 16 * 1024 * 1024 || request.FetcherStallTimeoutMs < 500 || request.ServerUnreachableTimeoutMs < 1000)
        {
            return "pacing settings out of range (pipeline depth 1-256, flush lines ≥ 1, flush interval 1-60000 ms, max line 16 B-16 MiB, stall timeout ≥ 500 ms, unreachable timeout ≥ 1 s)";
        }

        return null;
    }
}
