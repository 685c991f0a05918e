using System.Net.Http.Headers;

namespace OrleansDist.Dashboard.Tests;

/// <summary>A dashboard on an ephemeral loopback port and an HttpClient for it; one per test.</summary>
internal sealed class DashboardServerFixture : IAsyncDisposable
{
    private DashboardServerFixture(TraceDashboardServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public TraceDashboardServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<DashboardServerFixture> StartAsync(Action<TraceDashboardOptions>? configure = null)
    {
        var options = new TraceDashboardOptions { Port = 0 };
        configure?.Invoke(options);
        return new DashboardServerFixture(await TraceDashboardServer.StartAsync(options));
    }

    public Task<HttpResponseMessage> PostTracesAsync(byte[] body, string contentType = "application/x-protobuf", string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return Http.PostAsync("v1/traces", content);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
