using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;
using OrleansDist.Runtime.Serialization;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Activation;

/// <summary>What an activation needs from its silo.</summary>
internal interface ICatalogHost
{
    SiloAddress LocalSilo { get; }

    string SiloName { get; }

    TelemetryOrigin TelemetryOrigin { get; }

    IServiceProvider Services { get; }

    IGrainFactory GrainFactory { get; }

    MessageSerializer Serializer { get; }

    TimeProvider TimeProvider { get; }

    CancellationToken ShutdownToken { get; }

    TimeSpan DeactivationTimeout { get; }

    int MaxMessageSize { get; }

    void SendResponse(Message response);

    void OnActivationFailed(ActivationData activation, Exception exception, List<Message> rejected);

    void OnDeactivated(ActivationData activation, List<Message> leftovers);

    void OnDeactivationFailed(ActivationData activation, Exception exception);

    void OnOneWayFailed(ActivationData activation, Message message, Exception exception);
}
