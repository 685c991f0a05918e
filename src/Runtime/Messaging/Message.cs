using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Messaging;

internal enum MessageDirection : byte
{
    Request = 1,
    Response = 2,
    OneWay = 3,
}

internal enum ResponseStatus : byte
{
    Success = 0,

    /// <summary>The grain threw; the body is the serialized exception.</summary>
    Exception = 1,

    /// <summary>The runtime could not deliver or run the call; the body is a UTF-8 reason and the target silo is gone.</summary>
    SiloUnavailable = 2,

    /// <summary>The runtime could not deliver or run the call for another reason; the body is a UTF-8 reason.</summary>
    RuntimeError = 3,
}

[Flags]
internal enum MessageFlags : byte
{
    None = 0,

    /// <summary>The target is a silo-level service addressed by <see cref="Message.TargetSilo"/>, not a grain.</summary>
    SystemTarget = 1,

    AlwaysInterleave = 2,

    /// <summary>The sender placed the grain on the target silo: activate it there if nobody else has.</summary>
    NewPlacement = 4,
}

/// <summary>One request or response between processes.</summary>
internal sealed class Message
{
    public MessageDirection Direction { get; set; }

    public MessageFlags Flags { get; set; }

    public ResponseStatus ResponseStatus { get; set; }

    /// <summary>Correlation id, unique per sender (silo or client).</summary>
    public long Id { get; set; }

    /// <summary>Times the message was forwarded between silos; bounded to stop loops.</summary>
    public byte ForwardCount { get; set; }

    public GrainId Target { get; set; }

    public string InterfaceName { get; set; } = "";

    public string MethodKey { get; set; } = "";

    /// <summary>The silo a response goes to (the gateway, for a client's request).</summary>
    public SiloAddress? SendingSilo { get; set; }

    /// <summary>The client that sent the request, when it came through a gateway.</summary>
    public string? SendingClient { get; set; }

    /// <summary>Silo the message must be processed on (system targets, directed placement).</summary>
    public SiloAddress? TargetSilo { get; set; }

    /// <summary>Silo name the grain should be created on, from <c>PlacementHint.PinToSilo</c>.</summary>
    public string? PlacementSiloName { get; set; }

    /// <summary>W3C trace context of the caller's span.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public bool IsRequest => Direction != MessageDirection.Response;

    public bool HasFlag(MessageFlags flag) => (Flags & flag) != 0;

    public Message CreateResponse(ResponseStatus status, ReadOnlyMemory<byte> body) => new()
    {
        Direction = MessageDirection.Response,
        ResponseStatus = status,
        Id = Id,
        Target = Target,
        SendingSilo = SendingSilo,
        SendingClient = SendingClient,
        Body = body,
    };

    public override string ToString() =>
        Direction == MessageDirection.Response
            ? $"Response#{Id} {ResponseStatus} for {SendingClient ?? SendingSilo?.ToString()}"
            : $"{Direction}#{Id} {Target} {InterfaceName}.{MethodKey} from {SendingClient ?? SendingSilo?.ToString()}";
}
