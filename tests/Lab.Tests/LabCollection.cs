namespace OrleansDist.Lab.Tests;

/// <summary>The lab tests share one machine-wide lab (fixed namespace names): they run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection
{
    public const string Name = "netns lab";
}
