using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace OrleansDist.Hosting;

/// <summary>
/// Mutual TLS on every Orleans connection (Microsoft.Orleans.Connections.Security): silo to silo, client to gateway.
/// Each side presents its certificate and accepts the other's only when it chains to our CA
/// (<see cref="TlsCredentials.Authorities"/>). Every refusal is logged on the refusing side as a warning, with the peer's
/// address; Orleans' own TLS middleware only logs a failed handshake at Debug.
/// </summary>
internal static partial class OrleansDistTls
{
    /// <summary>Log category of the refusals (tests and operators grep for it).</summary>
    public const string LogCategory = "OrleansDist.Hosting.Tls";

    // The remote endpoint of the connection being authenticated: the validation callback runs inside the handshake,
    // which runs in the flow of the middleware that set it.
    private static readonly AsyncLocal<string?> CurrentPeer = new();

    public static void ConfigureSilo(ISiloBuilder silo, TlsCredentials credentials)
    {
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(b => Inbound(b, credentials, "silo port"));
            o.ConfigureGatewayInboundConnection(b => Inbound(b, credentials, "gateway port"));
            o.ConfigureSiloOutboundConnection(b => Outbound(b, credentials, "silo"));
        });
    }

    public static void ConfigureClient(IClientBuilder client, TlsCredentials credentials) =>
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(b => Outbound(b, credentials, "gateway")));

    private static void Inbound(IConnectionBuilder builder, TlsCredentials credentials, string where)
    {
        var logger = Logger(builder);
        builder.Use(next => async context =>
        {
            var peer = context.RemoteEndPoint?.ToString() ?? "an unknown address";
            CurrentPeer.Value = peer;
            await next(context);

            // The TLS middleware returns without running the connection when the handshake fails (no certificate, a
            // certificate we refused, not TLS at all, or too slow); the negotiated protocol is only set on success.
            if (context.Features.Get<ITlsHandshakeFeature>() is not { Protocol: not SslProtocols.None })
            {
                LogInboundRefused(logger, peer, where);
            }
        });
        builder.UseServerTls(Options(credentials, logger, "client or silo"));
    }

    private static void Outbound(IConnectionBuilder builder, TlsCredentials credentials, string what)
    {
        var logger = Logger(builder);
        builder.Use(next => context =>
        {
            CurrentPeer.Value = context.RemoteEndPoint?.ToString() ?? "an unknown address";
            return next(context);
        });
        builder.UseClientTls(Options(credentials, logger, what));
    }

    private static TlsOptions Options(TlsCredentials credentials, ILogger logger, string peerKind) => new()
    {
        LocalCertificate = credentials.Certificate,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = (certificate, chain, _) => Validate(credentials, logger, peerKind, certificate, chain),
    };

    /// <summary>
    /// Our CA decides, not the operating system's trust store and not the host name: the peer's certificate must chain to
    /// one of our CA certificates. Silos connect to IP addresses from the membership table, so the name is not checked.
    /// </summary>
    private static bool Validate(TlsCredentials credentials, ILogger logger, string peerKind, X509Certificate2 certificate, X509Chain? chain)
    {
        var presented = new X509Certificate2Collection();
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements.Skip(1))
            {
                presented.Add(element.Certificate);
            }
        }

        if (credentials.CheckChain(certificate, presented) is not { } problem)
        {
            return true;
        }

        LogCertificateRefused(logger, peerKind, CurrentPeer.Value ?? "an unknown address", TlsCredentials.Describe(certificate), problem);
        return false;
    }

    private static ILogger Logger(IConnectionBuilder builder) =>
        builder.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);

    [LoggerMessage(5200, LogLevel.Warning, "TLS: refused the certificate of the {PeerKind} at {Peer} ({Certificate}): not issued by our CA ({Problem})")]
    private static partial void LogCertificateRefused(ILogger logger, string peerKind, string peer, string certificate, string problem);

    [LoggerMessage(5201, LogLevel.Warning, "TLS: refused a connection from {Peer} on the {Where}: the TLS handshake failed (no client certificate, one not issued by our CA, or not TLS)")]
    private static partial void LogInboundRefused(ILogger logger, string peer, string where);
}
