using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>What a <see cref="ChunkDownload"/> fetches, from where, and where it writes.</summary>
public sealed record ChunkDownloadPlan
{
    /// <summary>Who downloads (a peer name, or "client").</summary>
    public required string Downloader { get; init; }

    public required FileManifest Manifest { get; init; }

    public required IReadOnlyList<IChunkSource> Sources { get; init; }

    /// <summary>The finished file's full path; the partial file is this + <c>.part</c>.</summary>
    public required string TargetPath { get; init; }

    /// <summary>Folder of the resume state (manifest and chunk bitmap of unfinished downloads).</summary>
    public required string StateDirectory { get; init; }

    public int Parallel { get; init; } = 8;

    /// <summary>Ignore kept chunks of an earlier attempt.</summary>
    public bool Restart { get; init; }

    /// <summary>A chunk call that takes longer counts as a failure of its source.</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int Attempt { get; init; } = 1;
}
