namespace Dist.GrainInterfaces.LineDownload;

[GenerateSerializer, Alias("OrleansDist.LineDownload.DownloadPhase")]
public enum DownloadPhase
{
    /// <summary>No download was started under this id.</summary>
    NotStarted,
    Downloading,
    /// <summary>Every line is collected; the file is being submitted.</summary>
    Submitting,
    /// <summary>The server answered the SUBMIT (success or failure: see the outcome).</summary>
    Submitted,
    Failed,
    Cancelled,
}
