namespace OrleansDist;

public enum DeactivationReasonCode
{
    None,
    ApplicationRequested,
    ActivationIdle,
    ShuttingDown,
    DuplicateActivation,
    ActivationFailed,
}

public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description)
{
    public override string ToString() => $"{ReasonCode}: {Description}";
}
