using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Client.Servers;

/// <summary>
/// A task server the experiment did not start (<c>--target host:port</c>): e.g. silos run with
/// <c>--task-server-port</c> on other machines, so that the clients do not share the server's cores. The experiment
/// only connects to it: its CPU, threads and memory are not measured, it is never killed, and it is not waited for
/// to go idle beyond a pause between runs.
/// </summary>
internal sealed class RemoteTaskServer : ITaskServerUnderTest
{
    private RemoteTaskServer(IPEndPoint endpoint, string target)
    {
        Endpoint = endpoint;
        Description = $"remote server at {target} ({endpoint}); its CPU, threads and memory are not measured from here";
    }

    public IPEndPoint Endpoint { get; }

    public string Description { get; }

    public bool HasExited => false;

    public string ExitDescription => "";

    public string LastOutput => "";

    /// <summary>Resolves <paramref name="host"/> and checks that something accepts connections there.</summary>
    /// <exception cref="CommandFailedException">The name does not resolve or nothing listens.</exception>
    public static async Task<RemoteTaskServer> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = $"{host}:{port}";
        IPEndPoint endpoint;
        try
        {
            endpoint = await CommonOptions.ResolveAsync(host, port, $"'{host}'", cancellationToken);
        }
        catch (CommandFailedException ex)
        {
            throw new CommandFailedException($"--target {target}: {ex.Message}", ex);
        }

        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(timeout);
        try
        {
            await probe.ConnectAsync(endpoint, connectTimeout.Token);
        }
        catch (SocketException ex)
        {
            throw new CommandFailedException($"--target {target}: nothing accepts connections at {endpoint}: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandFailedException($"--target {target}: no connection to {endpoint} within {timeout.TotalSeconds:0} s");
        }

        return new RemoteTaskServer(endpoint, target);
    }

    public void ClearOutput()
    {
    }

    public ProcessTreeStats? Stats() => null;

    public Task KillAsync(string because) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
