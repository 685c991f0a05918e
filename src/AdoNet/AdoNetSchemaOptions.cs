namespace OrleansDist.AdoNet;

/// <summary>How silos and clients install the Orleans schema at start (configure with <c>services.Configure</c>).</summary>
public sealed class AdoNetSchemaOptions
{
    /// <summary>How long start-up keeps retrying while the database is unreachable before it fails.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);
}
