namespace OrleansDist.LineServer.Connections;

/// <summary>Server-wide transport counters, so tests can see how replies really hit the socket.</summary>
internal sealed class ServerCounters
{
    private long _socketWrites;

    public long SocketWrites => Interlocked.Read(ref _socketWrites);

    public void CountWrite() => Interlocked.Increment(ref _socketWrites);
}
