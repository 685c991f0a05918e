using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.Hosting;

namespace OrleansDist.Client;

/// <summary>A failure the user caused with the arguments: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A failure of the cluster or the network: exit code 1.</summary>
internal sealed class CommandFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Options every command understands (recursive: they may follow the subcommand).</summary>
internal sealed class CommonOptions
{
    public const string DefaultMembership = "sqlite:./orleansdist.db";

    public Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = "Gateway endpoint host:port of a silo (repeat for several); when given, --membership is not read to find gateways",
        HelpName = "host:port",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    public Option<string> Membership { get; } = new("--membership")
    {
        Description = "Membership table to read the silos (and gateways) from: sqlite:<path> or postgres:<connection string>; "
            + "localhost = development clustering (gateway 127.0.0.1:30000 unless --gateway; no table to read)",
        HelpName = "spec",
        DefaultValueFactory = _ => DefaultMembership,
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Cluster id",
        HelpName = "id",
        DefaultValueFactory = _ => ClusterDefaults.ClusterId,
        Recursive = true,
    };

    public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to keep trying the gateways before giving up",
        HelpName = "seconds",
        DefaultValueFactory = _ => 5,
        Recursive = true,
    };

    public Option<double> CallTimeout { get; } = new("--call-timeout")
    {
        // Short on purpose: a call in flight to a silo that crashes is only ended by this timeout (Orleans does not tell
        // the client), and every call the commands make answers in milliseconds.
        Description = "Seconds a grain call may take; a call to a silo that crashed fails after this",
        HelpName = "seconds",
        DefaultValueFactory = _ => 5,
        Recursive = true,
    };

    public Option<string> TlsCert { get; } = new("--tls-cert")
    {
        Description = "Mutual TLS to the gateways: this client's certificate (PEM); with --tls-key and --tls-ca",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string> TlsKey { get; } = new("--tls-key")
    {
        Description = "Mutual TLS: the private key (PEM) of --tls-cert",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string> TlsPfx { get; } = new("--tls-pfx")
    {
        Description = "Mutual TLS: certificate and key as one PKCS#12 file, instead of --tls-cert and --tls-key "
            + "(password: --tls-pfx-password or the environment variable " + PfxPasswordVariable + ")",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string> TlsPfxPassword { get; } = new("--tls-pfx-password")
    {
        Description = "Password of --tls-pfx",
        HelpName = "password",
        Recursive = true,
    };

    public Option<string> TlsCa { get; } = new("--tls-ca")
    {
        Description = "Mutual TLS: our CA certificate(s) (PEM); gateways whose certificate is not issued by it are refused",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary>The environment variable the PKCS#12 password may come from (as for the silo).</summary>
    public const string PfxPasswordVariable = "ORLEANSDIST_TlsPfxPassword";

    public CommonOptions()
    {
        Gateway.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!TrySplitHostPort(token.Value, out _, out _))
                {
                    result.AddError($"--gateway '{token.Value}' is not host:port (e.g. 127.0.0.1:30000, localhost:30000, [::1]:30000)");
                }
            }
        });
        Membership.Validators.Add(result =>
        {
            var spec = result.GetValueOrDefault<string>();
            try
            {
                _ = MembershipUri.Parse(spec ?? "");
            }
            catch (ArgumentException ex)
            {
                result.AddError($"--membership: {ex.Message}");
            }
        });
        ClusterId.Validators.Add(result =>
        {
            var id = result.GetValueOrDefault<string>();
            if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                result.AddError($"--cluster-id '{id}' is not valid: expected 1-64 letters, digits, '.', '_' or '-'");
            }
        });
        ConnectTimeout.Validators.Add(result => PositiveSeconds(result, "--connect-timeout"));
        CallTimeout.Validators.Add(result => PositiveSeconds(result, "--call-timeout"));
    }

    public void AddTo(Command root)
    {
        root.Options.Add(Gateway);
        root.Options.Add(Membership);
        root.Options.Add(ClusterId);
        root.Options.Add(ConnectTimeout);
        root.Options.Add(CallTimeout);
        root.Options.Add(TlsCert);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsPfx);
        root.Options.Add(TlsPfxPassword);
        root.Options.Add(TlsCa);
    }

    public Settings Read(ParseResult parse)
    {
        var gateways = parse.GetValue(Gateway) ?? [];
        return new Settings(
            [.. gateways.Select(g => TrySplitHostPort(g, out var host, out var port) ? (host, port) : throw new UsageException($"--gateway '{g}' is not host:port"))],
            MembershipUri.Parse(parse.GetValue(Membership) ?? DefaultMembership),
            parse.GetValue(ClusterId) ?? ClusterDefaults.ClusterId,
            TimeSpan.FromSeconds(parse.GetValue(ConnectTimeout)),
            TimeSpan.FromSeconds(parse.GetValue(CallTimeout)))
        {
            Tls = ReadTls(parse),
        };
    }

    /// <summary>The client's TLS material when any TLS option is given; a missing or unusable file is a usage error.</summary>
    private TlsCredentials? ReadTls(ParseResult parse)
    {
        var files = new TlsFiles
        {
            CertificatePath = parse.GetValue(TlsCert),
            KeyPath = parse.GetValue(TlsKey),
            PfxPath = parse.GetValue(TlsPfx),
            PfxPassword = parse.GetValue(TlsPfxPassword) ?? Environment.GetEnvironmentVariable(PfxPasswordVariable),
            AuthorityPath = parse.GetValue(TlsCa),
        };
        if (!files.Any)
        {
            return null;
        }

        try
        {
            return TlsCredentials.Load(files);
        }
        catch (TlsConfigurationException ex)
        {
            throw new UsageException($"TLS: {ex.Message}");
        }
    }

    private static void PositiveSeconds(OptionResult result, string name) => SecondsBetween(result, name, 0.1, 86400);

    /// <summary>An option given in seconds must lie in <paramref name="min"/>..<paramref name="max"/> (NaN never does).</summary>
    public static void SecondsBetween(OptionResult result, string name, double min, double max)
    {
        var seconds = result.GetValueOrDefault<double>();
        if (!(seconds >= min && seconds <= max))
        {
            result.AddError(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be between {min} and {max} seconds"));
        }
    }

    /// <summary><c>host:port</c>, <c>[ipv6]:port</c>.</summary>
    public static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is <= 0 or > 65535)
        {
            return false;
        }

        host = text[..colon].Trim('[', ']');
        return host.Length > 0 && (IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns);
    }

    /// <summary><paramref name="host"/> (an address or a name, resolved with IPv4 preferred) and <paramref name="port"/> as an endpoint.</summary>
    /// <param name="label">How an error names the host, e.g. <c>gateway host 'silo1'</c>.</param>
    /// <exception cref="CommandFailedException">The name does not resolve, or to no address.</exception>
    public static async Task<IPEndPoint> ResolveAsync(string host, int port, string label, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new CommandFailedException($"cannot resolve {label}: {ex.Message}", ex);
        }

        var address = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new CommandFailedException($"{label} has no address");
        return new IPEndPoint(address, port);
    }

    /// <summary>The parsed common options.</summary>
    public sealed record Settings(
        IReadOnlyList<(string Host, int Port)> Gateways, (string Scheme, string Value) Membership, string ClusterId, TimeSpan ConnectTimeout, TimeSpan CallTimeout)
    {
        /// <summary>Mutual TLS to the gateways; null = plain TCP.</summary>
        public TlsCredentials? Tls { get; init; }

        public string MembershipDescription => Membership.Scheme == MembershipUri.Sqlite ? $"sqlite:{Path.GetFullPath(Membership.Value)}"
            : Membership.Scheme == MembershipUri.Localhost ? MembershipUri.Localhost
            : "postgres:" + System.Text.RegularExpressions.Regex.Replace(Membership.Value, "(password|pwd)\\s*=[^;]*", m => m.Groups[1].Value + "=***", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

        /// <summary>The --gateway endpoints, host names resolved (IPv4 preferred).</summary>
        public async Task<IReadOnlyList<IPEndPoint>> ResolveGatewaysAsync(CancellationToken cancellationToken)
        {
            var endpoints = new List<IPEndPoint>();
            foreach (var (host, port) in Gateways)
            {
                endpoints.Add(await ResolveAsync(host, port, $"gateway host '{host}'", cancellationToken));
            }

            return endpoints;
        }
    }
}
