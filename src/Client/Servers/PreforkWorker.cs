namespace OrleansDist.Client.Servers;

/// <summary>
/// One worker process of the process design (<c>server worker</c>, started by <see cref="PreforkServer"/>): accepts from
/// the listening socket its parent handed down and serves one connection at a time, on its main thread, until killed.
/// </summary>
internal static class PreforkWorker
{
    public static int Run(int listenFd, ServerRunSettings settings, CancellationToken cancellationToken)
    {
        using var listener = SocketInheritance.Adopt(listenFd);
        Console.Out.WriteLine($"{PreforkServer.WorkerReadyPrefix} pid={Environment.ProcessId}");
        Console.Out.Flush();
        using var registration = cancellationToken.Register(listener.Dispose);
        SerialServer.AcceptLoop(listener, settings, cancellationToken);
        return Program.ExitOk;
    }
}
