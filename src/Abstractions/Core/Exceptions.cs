namespace OrleansDist;

/// <summary>The silo that hosted (or was to host) the target is gone; the call may be retried.</summary>
public class SiloUnavailableException : Exception
{
    public SiloUnavailableException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// A grain threw an exception whose type could not be recreated here. <see cref="RemoteExceptionType"/> is the
/// original type's full name; <see cref="Exception.Message"/> is its message.
/// </summary>
public class GrainCallException : Exception
{
    public GrainCallException(string remoteExceptionType, string message, string? remoteStackTrace)
        : base(message)
    {
        RemoteExceptionType = remoteExceptionType;
        RemoteStackTrace = remoteStackTrace;
    }

    public string RemoteExceptionType { get; }

    public string? RemoteStackTrace { get; }

    public override string ToString() => $"{RemoteExceptionType}: {Message}{Environment.NewLine}--- remote ---{Environment.NewLine}{RemoteStackTrace}";
}

/// <summary>No gateway of the cluster could be reached.</summary>
public class ClusterConnectionException : Exception
{
    public ClusterConnectionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
