using System.CommandLine;
using OrleansDist.Hosting;

namespace OrleansDist.Silo;

/// <summary>
/// The silo's command line. Every option is also a configuration key (<see cref="Setting.Key"/>) read from the
/// environment (<c>ORLEANSDIST_&lt;Key&gt;</c>) and from <c>appsettings.json</c> (section <c>OrleansDist</c>).
/// </summary>
internal sealed class SiloCommandLine
{
    public const string Section = "OrleansDist";
    public const string EnvironmentPrefix = "ORLEANSDIST_";

    public SiloCommandLine()
    {
        Root = new RootCommand(
            "Runs one OrleansDist silo (Microsoft Orleans 10.4.2). Every option can also be set in appsettings.json (section \"OrleansDist\", e.g. \"SiloPort\": 11112) "
            + "or in the environment (ORLEANSDIST_<Key>, e.g. ORLEANSDIST_SiloPort=11112); the command line wins over the environment, "
            + "which wins over appsettings.json.");

        Settings =
        [
            Add("ClusterId", new Option<string>("--cluster-id")
            {
                Description = "Cluster (deployment) id; silos and clients of different clusters refuse each other",
                HelpName = "id",
                DefaultValueFactory = _ => ClusterDefaults.ClusterId,
            }),
            Add("ServiceId", new Option<string>("--service-id")
            {
                Description = "Service id: persisted grain state is keyed by it, across deployments",
                HelpName = "id",
                DefaultValueFactory = _ => ClusterDefaults.ServiceId,
            }),
            Add("Name", new Option<string>("--name")
            {
                Description = "Silo name shown in the membership table [default: <host name>-<silo port>]",
                HelpName = "name",
            }),
            Add("AdvertisedIp", new Option<string>("--advertised-ip")
            {
                Description = "IP address other silos and clients use to reach this silo",
                HelpName = "ip",
                DefaultValueFactory = _ => SiloSettings.DefaultAdvertisedIp,
            }),
            Add("SiloPort", new Option<string>("--silo-port")
            {
                Description = "Port for silo-to-silo traffic",
                HelpName = "port",
                DefaultValueFactory = _ => SiloSettings.DefaultSiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            Add("GatewayPort", new Option<string>("--gateway-port")
            {
                Description = "Port for clients; 0 = no gateway on this silo",
                HelpName = "port",
                DefaultValueFactory = _ => SiloSettings.DefaultGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            Add("ListenAny", new Option<bool>("--listen-any")
            {
                Description = "Listen on all interfaces (0.0.0.0) instead of the advertised IP only",
            }),
            Add("Membership", new Option<string>("--membership")
            {
                Description = "Membership table: sqlite:<path>, postgres:<connection string>, or localhost "
                    + "(development clustering: the primary silo, see --primary, keeps the table in memory)",
                HelpName = "spec",
                DefaultValueFactory = _ => SiloSettings.DefaultMembership,
            }),
            Add("Primary", new Option<string>("--primary")
            {
                Description = "With --membership localhost: silo endpoint of the primary silo",
                HelpName = "host:port",
                DefaultValueFactory = _ => SiloSettings.DefaultPrimary,
            }),
            Add("Storage", new Option<string>("--storage")
            {
                Description = "Default grain storage: sqlite:<path>, postgres:<connection string> or memory "
                    + "[default: the membership database when that is sqlite/postgres, else memory]",
                HelpName = "spec",
            }),
            Add("FastMembership", new Option<bool>("--fast-membership")
            {
                Description = "Failure detection for tests: a crashed silo is declared dead in about 2 s instead of about 5 s",
            }),
            Add("ResponseTimeout", new Option<string>("--response-timeout")
            {
                Description = "How long a grain call waits for its response (e.g. 30s, 500ms, 2m, 00:00:30)",
                HelpName = "duration",
                DefaultValueFactory = _ => SiloSettings.DefaultResponseTimeout,
            }),
            Add("LogLevel", new Option<string>("--log-level")
            {
                Description = "Minimum log level: Trace, Debug, Information, Warning, Error, Critical or None (logs go to stderr)",
                HelpName = "level",
                DefaultValueFactory = _ => SiloSettings.DefaultLogLevel,
            }),
            Add("DashboardPort", new Option<string>("--dashboard-port")
            {
                Description = "Port of this silo's Orleans Dashboard (membership, activations, call rates); 0 = none "
                    + "[default: silo port + 1000, skipped with a warning when taken]",
                HelpName = "port",
            }),
            Add("Peer", new Option<string>("--peer")
            {
                Description = "P2P: host this peer (its grain lives on this silo only); needs --share",
                HelpName = "name",
            }),
            Add("Share", new Option<string>("--share")
            {
                Description = "P2P: the peer's shared folder on this machine (created if missing)",
                HelpName = "dir",
            }),
            Add("UploadRate", new Option<string>("--upload-rate")
            {
                Description = "P2P: the peer's upload limit, e.g. 20MiB/s; 0 = unlimited",
                HelpName = "rate",
                DefaultValueFactory = _ => "0",
            }),
            Add("TaskServerPort", new Option<string>("--task-server-port")
            {
                Description = "Server designs: run the actor design's TCP front end in this silo on this port (every silo of the "
                    + "cluster may use the same port; connections are spread over the silos of one machine); 0 = none",
                HelpName = "port",
                DefaultValueFactory = _ => "0",
            }),
            Add("TaskMs", new Option<string>("--task-ms")
            {
                Description = "Server designs: how long one task of the front end takes, in milliseconds",
                HelpName = "ms",
                DefaultValueFactory = _ => "3000",
            }),
            Add("Work", new Option<string>("--work")
            {
                Description = "Server designs: io (a task waits) or cpu (a task burns CPU)",
                HelpName = "io|cpu",
                DefaultValueFactory = _ => "io",
            }),
            Add("TraceFile", new Option<string>("--trace-file")
            {
                Description = "Append the spans of every grain call to this file as JSON lines (read them with `orleansdist trace FILE`); "
                    + "OTEL_EXPORTER_OTLP_ENDPOINT sends them to an OpenTelemetry collector as well",
                HelpName = "path",
            }),

            // Mutual TLS (Microsoft.Orleans.Connections.Security): all of them or none; without them nothing changes.
            Add("TlsCert", new Option<string>("--tls-cert")
            {
                Description = "Mutual TLS: this silo's certificate (PEM), presented to silos and clients; with --tls-key and --tls-ca "
                    + "(`orleansdist certs make` makes a CA and certificates to try it)",
                HelpName = "path",
            }),
            Add("TlsKey", new Option<string>("--tls-key")
            {
                Description = "Mutual TLS: the private key (PEM) of --tls-cert",
                HelpName = "path",
            }),
            Add("TlsPfx", new Option<string>("--tls-pfx")
            {
                Description = "Mutual TLS: this silo's certificate and key as one PKCS#12 file, instead of --tls-cert and --tls-key",
                HelpName = "path",
            }),
            Add("TlsPfxPassword", new Option<string>("--tls-pfx-password")
            {
                Description = "Password of --tls-pfx (better: the environment variable ORLEANSDIST_TlsPfxPassword)",
                HelpName = "password",
            }),
            Add("TlsCa", new Option<string>("--tls-ca")
            {
                Description = "Mutual TLS: our CA certificate(s) (PEM); a silo or client whose certificate is not issued by it is refused (and the refusal logged)",
                HelpName = "path",
            }),
        ];
    }

    public RootCommand Root { get; }

    public IReadOnlyList<Setting> Settings { get; }

    private Setting Add(string key, Option option)
    {
        Root.Options.Add(option);
        return new Setting(key, option);
    }

    /// <summary>One option and its configuration key.</summary>
    public sealed record Setting(string Key, Option Option)
    {
        public string EnvironmentVariable => EnvironmentPrefix + Key;

        public string ConfigurationKey => $"{Section}:{Key}";
    }
}
