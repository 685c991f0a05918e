namespace OrleansDist;

/// <summary>A connection from outside the cluster to its gateways.</summary>
public interface IClusterClient : IGrainFactory
{
    IServiceProvider ServiceProvider { get; }

    /// <summary>True while at least one gateway connection is open.</summary>
    bool IsConnected { get; }
}
