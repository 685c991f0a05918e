namespace OrleansDist.Client.Servers;

/// <summary>A task server started in this process (any design); disposing it stops it.</summary>
internal interface IRunningServer : IAsyncDisposable
{
    ServerDesign Design { get; }

    int Port { get; }

    /// <summary>Something the ready line should add, e.g. the pool size; empty if nothing.</summary>
    string Details { get; }
}
