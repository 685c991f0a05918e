namespace OrleansDist.Dashboard.Otlp;

/// <summary>The request body, as sent or decompressed, is larger than <see cref="TraceDashboardOptions.MaxRequestBytes"/>.</summary>
internal sealed class RequestTooLargeException(long limit, bool decompressed)
    : Exception(decompressed
        ? $"the decompressed request body exceeds the limit of {limit} bytes"
        : $"the request body exceeds the limit of {limit} bytes");
