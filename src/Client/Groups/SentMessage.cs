using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary>A send the experiment made: what every member of <see cref="Destination"/> must end up with.</summary>
internal sealed record SentMessage(string MessageId, string Sender, string Destination, DeliveryOrder Order);
