using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Dashboard.Tests;

public sealed class TraceDashboardServerTests
{
    [Fact]
    public async Task EphemeralPortIsReportedInTheUris()
    {
        await using var server = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0 });

        Assert.Equal("127.0.0.1", server.BaseUri.Host);
        Assert.NotEqual(0, server.BaseUri.Port);
        Assert.Equal("/", server.BaseUri.AbsolutePath);
        Assert.Equal(new Uri(server.BaseUri, "v1/traces"), server.OtlpTracesEndpoint);
        Assert.Equal($"http://127.0.0.1:{server.BaseUri.Port}/", server.OtlpEndpoint.ToString());
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(server.BaseUri, "healthz")));
    }

    [Fact]
    public async Task WildcardBindIsReachableOnLoopback()
    {
        await using var server = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0, BindAddress = "0.0.0.0" });
        Assert.Equal("127.0.0.1", server.BaseUri.Host);
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(server.BaseUri, "healthz")));
    }

    [Fact]
    public async Task PortInUseIsAClearIOException()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = port }));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptionsListEveryProblem()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TraceDashboardServer.StartAsync(
            new TraceDashboardOptions { Port = 70000, BindAddress = "example.org", MaxRequestBytes = 10 }));
        Assert.Contains("Port", error.Message, StringComparison.Ordinal);
        Assert.Contains("BindAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRequestBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAndDisposeAreIdempotentAndFreeThePort()
    {
        var server = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = 0 });
        var port = server.BaseUri.Port;
        await server.StopAsync();
        await server.StopAsync();
        await server.DisposeAsync();
        await server.DisposeAsync();

        await using var again = await TraceDashboardServer.StartAsync(new TraceDashboardOptions { Port = port });
        Assert.Equal(port, again.BaseUri.Port);
    }

    [Fact]
    public async Task LaterChangesToTheOptionsObjectDoNotReachARunningServer()
    {
        var options = new TraceDashboardOptions { Port = 0, MaxTraces = 5 };
        await using var server = await TraceDashboardServer.StartAsync(options);
        options.MaxTraces = 1;
        Assert.Equal(5, server.Store.MaxTraces);
    }
}
