namespace Dist.GrainInterfaces.Groups;

/// <summary>The ordering guarantee of one send.</summary>
[GenerateSerializer]
[Alias("Dist.Groups.DeliveryOrder")]
public enum DeliveryOrder
{
    /// <summary>Delivered as it arrives (each message still exactly once in the log).</summary>
    None = 0,

    /// <summary>Per sender and destination, in the order the sender sent (sequence numbers, hold-back at the receiver).</summary>
    Fifo = 1,

    /// <summary>The destination group's sequencer numbers it; every member delivers the group's messages in the same order.</summary>
    Total = 2,
}
