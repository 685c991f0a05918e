namespace OrleansDist.Grains.Placement;

/// <summary>A call to a machine-bound grain whose silo (machine) is not alive: the grain is down, not moved.</summary>
[GenerateSerializer, Alias("orleansdist.machine-down")]
public sealed class MachineDownException : OrleansException
{
    public MachineDownException(string machine, string message) : base(message)
    {
        Machine = machine;
    }

    /// <summary>The silo name the grain is bound to.</summary>
    [Id(0)]
    public string Machine { get; }
}
