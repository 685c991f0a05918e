using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Hosting;
using OrleansDist.Hosting;

namespace OrleansDist.Silo;

/// <summary>A setting that cannot be used; the message names the option and where its value came from.</summary>
internal sealed class SettingsException(string message) : Exception(message);

/// <summary>The silo's effective settings, merged from command line, environment, appsettings.json and defaults, and validated.</summary>
internal sealed partial record SiloSettings
{
    public const string DefaultAdvertisedIp = "127.0.0.1";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const string DefaultMembership = "sqlite:./orleansdist.db";
    public const string DefaultPrimary = "127.0.0.1:11111";
    public const string DefaultResponseTimeout = "10s";
    public const string DefaultLogLevel = "Information";

    public required string ClusterId { get; init; }

    public required string ServiceId { get; init; }

    public string? Name { get; init; }

    public required IPAddress AdvertisedIp { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required bool ListenAny { get; init; }

    /// <summary>sqlite, postgres or localhost, with its path or connection string.</summary>
    public required (string Scheme, string Value) Membership { get; init; }

    public required IPEndPoint Primary { get; init; }

    /// <summary>sqlite, postgres or memory, with its path or connection string.</summary>
    public required (string Scheme, string Value) Storage { get; init; }

    public required bool FastMembership { get; init; }

    public required TimeSpan ResponseTimeout { get; init; }

    public required LogLevel LogLevel { get; init; }

    /// <summary>Port of the Orleans Dashboard; 0 = none.</summary>
    public required int DashboardPort { get; init; }

    /// <summary>True when <see cref="DashboardPort"/> is the default (silo port + 1000), not asked for.</summary>
    public bool DashboardPortIsDefault { get; init; }

    /// <summary>The P2P peer this silo hosts (<c>--peer NAME --share DIR [--upload-rate R]</c>); null = none.</summary>
    public Grains.P2P.PeerShareOptions? Peer { get; init; }

    /// <summary>The actor design's TCP front end in this silo (<c>--task-server-port</c>), or null.</summary>
    public Grains.Servers.ActorFrontEndOptions? TaskServer { get; init; }

    /// <summary>JSON-lines file for spans; null = none.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Mutual TLS material, loaded and checked; null = plain TCP.</summary>
    public TlsCredentials? Tls { get; init; }

    /// <summary>Merges the layers (command line &gt; ORLEANSDIST_ environment &gt; configuration section &gt; defaults) and validates them.</summary>
    /// <exception cref="SettingsException">A value is malformed or out of range.</exception>
    public static SiloSettings Resolve(SiloCommandLine cli, ParseResult parse, IConfiguration configuration, IDictionary environment)
    {
        var env = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string variableName && variableName.StartsWith(SiloCommandLine.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && variable.Value is string value)
            {
                env[variableName[SiloCommandLine.EnvironmentPrefix.Length..]] = value;
            }
        }

        var values = cli.Settings.ToDictionary(s => s.Key, s => Lookup(s, parse, env, configuration), StringComparer.Ordinal);
        Value Get(string key) => values[key];

        var clusterId = Identifier(Get("ClusterId"));
        var serviceId = Identifier(Get("ServiceId"));
        var name = Get("Name");
        if (!string.IsNullOrEmpty(name.Text) && !SiloNamePattern().IsMatch(name.Text))
        {
            throw name.Invalid("a silo name is up to 64 letters, digits, '.', '_' or '-'");
        }

        var advertised = Get("AdvertisedIp");
        if (!TryParseIp(advertised.Text, out var ip))
        {
            throw advertised.Invalid("expected an IP address such as 10.0.0.5 (host names are not accepted)");
        }

        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            throw advertised.Invalid("the advertised address must be one others can connect to; use --listen-any to listen on all interfaces");
        }

        var siloPort = Port(Get("SiloPort"), allowZero: false);
        var gatewayPort = Port(Get("GatewayPort"), allowZero: true);
        if (gatewayPort == siloPort)
        {
            throw Get("GatewayPort").Invalid($"the gateway port must differ from the silo port ({siloPort})");
        }

        var dashboardValue = Get("DashboardPort");
        var dashboardDefault = string.IsNullOrWhiteSpace(dashboardValue.Text);
        var dashboardPort = dashboardDefault ? DefaultDashboardPort(siloPort) : Port(dashboardValue, allowZero: true);
        if (dashboardPort != 0 && (dashboardPort == siloPort || dashboardPort == gatewayPort))
        {
            throw dashboardValue.Invalid($"the dashboard port must differ from the silo and gateway ports ({siloPort}, {gatewayPort})");
        }

        var membershipValue = Get("Membership");
        (string Scheme, string Value) membership;
        try
        {
            membership = MembershipUri.Parse(membershipValue.Text ?? "");
        }
        catch (ArgumentException ex)
        {
            throw membershipValue.Invalid(ex.Message, quote: false);
        }

        var primaryValue = Get("Primary");
        if (!TryParseEndpoint(primaryValue.Text, out var primary))
        {
            throw primaryValue.Invalid("expected <ip>:<port> or localhost:<port>");
        }

        var storageValue = Get("Storage");
        (string Scheme, string Value) storage;
        if (string.IsNullOrWhiteSpace(storageValue.Text))
        {
            storage = membership.Scheme is MembershipUri.Sqlite or MembershipUri.Postgres ? membership : (StorageUri.Memory, "");
        }
        else
        {
            try
            {
                storage = StorageUri.Parse(storageValue.Text);
            }
            catch (ArgumentException ex)
            {
                throw storageValue.Invalid(ex.Message, quote: false);
            }

            if (storage.Scheme == StorageUri.Localhost)
            {
                storage = (StorageUri.Memory, "");
            }
        }

        var timeoutValue = Get("ResponseTimeout");
        if (!TryParseDuration(timeoutValue.Text, out var responseTimeout) || responseTimeout < TimeSpan.FromMilliseconds(10) || responseTimeout > TimeSpan.FromDays(1))
        {
            throw timeoutValue.Invalid("expected a duration between 10ms and 1 day, e.g. 30s, 500ms, 2m or 00:00:30");
        }

        var levelValue = Get("LogLevel");
        if (!Enum.TryParse<LogLevel>(levelValue.Text, ignoreCase: true, out var logLevel) || !Enum.IsDefined(logLevel) || int.TryParse(levelValue.Text, out _))
        {
            throw levelValue.Invalid("expected one of " + string.Join(", ", Enum.GetNames<LogLevel>()));
        }

        var peer = ResolvePeer(Get("Peer"), Get("Share"), Get("UploadRate"));
        var tls = ResolveTls(Get);
        var taskServer = ResolveTaskServer(Get("TaskServerPort"), Get("TaskMs"), Get("Work"), Boolean(Get("ListenAny")) ? IPAddress.Any : ip, responseTimeout);

        return new SiloSettings
        {
            Peer = peer,
            TaskServer = taskServer,
            ClusterId = clusterId,
            ServiceId = serviceId,
            Name = string.IsNullOrEmpty(name.Text) ? null : name.Text,
            AdvertisedIp = ip,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            ListenAny = Boolean(Get("ListenAny")),
            Membership = membership,
            Primary = primary,
            Storage = storage,
            FastMembership = Boolean(Get("FastMembership")),
            ResponseTimeout = responseTimeout,
            LogLevel = logLevel,
            TraceFile = string.IsNullOrWhiteSpace(Get("TraceFile").Text) ? null : Get("TraceFile").Text,
            DashboardPort = dashboardPort,
            DashboardPortIsDefault = dashboardDefault,
            Tls = tls,
        };
    }

    private static Grains.Servers.ActorFrontEndOptions? ResolveTaskServer(Value port, Value taskMs, Value work, IPAddress address, TimeSpan responseTimeout)
    {
        var number = Port(port, allowZero: true);
        if (!int.TryParse(taskMs.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 3_600_000)
        {
            throw taskMs.Invalid("expected milliseconds, 0-3600000");
        }

        if (!Enum.TryParse<Dist.GrainInterfaces.Servers.ServerWorkKind>(work.Text, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(work.Text, out _))
        {
            throw work.Invalid("expected io or cpu");
        }

        if (number == 0)
        {
            return null;
        }

        // a task is one grain call: one that outlasts the response timeout would be cut off every time (checked only when
        // the front end runs: a silo without one may use any --response-timeout)
        if (TimeSpan.FromMilliseconds(ms) >= responseTimeout)
        {
            throw taskMs.Invalid(string.Create(CultureInfo.InvariantCulture, $"a task must end within --response-timeout ({responseTimeout.TotalSeconds:0.###} s)"));
        }

        return new Grains.Servers.ActorFrontEndOptions
        {
            Endpoint = new IPEndPoint(address, number),
            TaskDuration = TimeSpan.FromMilliseconds(ms),
            Work = kind,
            Listeners = Grains.Servers.ServerSocket.DefaultListeners,
        };
    }

    private static Grains.P2P.PeerShareOptions? ResolvePeer(Value name, Value share, Value rate)
    {
        if (!Grains.P2P.ByteSize.TryParseRate(rate.Text, out var bytesPerSecond))
        {
            throw rate.Invalid("expected a rate such as 20MiB/s, 512KiB/s or 0 (unlimited)");
        }

        if (string.IsNullOrWhiteSpace(name.Text) != string.IsNullOrWhiteSpace(share.Text))
        {
            throw (string.IsNullOrWhiteSpace(name.Text) ? share : name).Invalid("--peer and --share go together", quote: false);
        }

        if (string.IsNullOrWhiteSpace(name.Text))
        {
            return null;
        }

        if (!Grains.P2P.PeerShareOptions.IsValidName(name.Text))
        {
            throw name.Invalid("a peer name is 1-64 letters, digits, '.', '_' or '-'");
        }

        var directory = Path.GetFullPath(share.Text!);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw share.Invalid($"cannot use it as the shared folder: {ex.Message}");
        }

        return new Grains.P2P.PeerShareOptions(name.Text, directory, bytesPerSecond);
    }

    /// <summary>The TLS options, loaded when any is given (then all that are needed must be, and the files must fit).</summary>
    private static TlsCredentials? ResolveTls(Func<string, Value> get)
    {
        string? Text(string key) => string.IsNullOrWhiteSpace(get(key).Text) ? null : get(key).Text;
        var files = new TlsFiles
        {
            CertificatePath = Text("TlsCert"),
            KeyPath = Text("TlsKey"),
            PfxPath = Text("TlsPfx"),
            PfxPassword = get("TlsPfxPassword").Text,
            AuthorityPath = Text("TlsCa"),
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
            throw new SettingsException($"TLS: {ex.Message}");
        }
    }

    /// <summary>The options the silo is built from.</summary>
    public OrleansDistSiloOptions ToSiloOptions() => new()
    {
        ClusterId = ClusterId,
        ServiceId = ServiceId,
        Name = Name ?? $"{Environment.MachineName}-{SiloPort}",
        AdvertisedIp = AdvertisedIp,
        SiloPort = SiloPort,
        GatewayPort = GatewayPort,
        ListenAny = ListenAny,
        Membership = Membership,
        Primary = Primary,
        Storage = Storage,
        FastMembership = FastMembership,
        ResponseTimeout = ResponseTimeout,
        Tls = Tls,
    };

    public static string Describe((string Scheme, string Value) spec) => spec.Scheme switch
    {
        MembershipUri.Sqlite => $"sqlite:{Path.GetFullPath(spec.Value)}",
        MembershipUri.Postgres => "postgres:" + RedactPassword(spec.Value),
        _ => spec.Scheme,
    };

    private static string RedactPassword(string connectionString) =>
        PasswordPattern().Replace(connectionString, m => m.Groups[1].Value + "=***");

    private static Value Lookup(SiloCommandLine.Setting setting, ParseResult parse, Dictionary<string, string> env, IConfiguration configuration)
    {
        if (parse.GetResult(setting.Option) is { Implicit: false } given)
        {
            var text = setting.Option switch
            {
                Option<bool> flag => parse.GetValue(flag) ? "true" : "false",
                Option<string> option => parse.GetValue(option),
                _ => throw new InvalidOperationException($"unexpected option type for {setting.Option.Name}"),
            };
            return new Value(setting, text, given.IdentifierToken?.Value ?? setting.Option.Name);
        }

        if (env.TryGetValue(setting.Key, out var fromEnvironment))
        {
            return new Value(setting, fromEnvironment, $"environment variable {setting.EnvironmentVariable}");
        }

        if (configuration[setting.ConfigurationKey] is { } fromConfiguration)
        {
            return new Value(setting, fromConfiguration, $"configuration {setting.ConfigurationKey}");
        }

        var fallback = setting.Option switch
        {
            Option<bool> => "false",
            Option<string> option when option.HasDefaultValue => option.DefaultValueFactory!(null!),
            _ => null,
        };
        return new Value(setting, fallback, "default");
    }

    private static string Identifier(Value value)
    {
        if (value.Text is null || !IdentifierPattern().IsMatch(value.Text))
        {
            throw value.Invalid("expected 1-64 letters, digits, '.', '_' or '-'");
        }

        return value.Text;
    }

    /// <summary>One dashboard port per silo on a host: the silo port + 1000 (11111 → 12111), or − 1000 near the top.</summary>
    public static int DefaultDashboardPort(int siloPort) => siloPort + 1000 <= 65535 ? siloPort + 1000 : siloPort - 1000;

    private static int Port(Value value, bool allowZero)
    {
        if (!int.TryParse(value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw value.Invalid(allowZero ? "expected a port number 0-65535" : "expected a port number 1-65535");
        }

        return port;
    }

    private static bool Boolean(Value value) => value.Text?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" or "" or null => false,
        _ => throw value.Invalid("expected true or false"),
    };

    /// <summary>An IPv6 address or a dotted-quad IPv4 address (not the legacy short forms such as 10.1, which IPAddress also accepts).</summary>
    public static bool TryParseIp(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return !string.IsNullOrWhiteSpace(text)
            && (text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3)
            && IPAddress.TryParse(text, out address);
    }

    /// <summary><c>ip:port</c>, <c>[ipv6]:port</c> or <c>localhost:port</c>.</summary>
    public static bool TryParseEndpoint(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        var colon = text.LastIndexOf(':');
        return colon > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            && TryParseIp(text[..colon].Trim('[', ']'), out var address)
            && (endpoint = new IPEndPoint(address, port)) is not null;
    }

    /// <summary><c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, <c>00:00:30</c>, or a number of seconds.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToLowerInvariant();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!text.Contains(':', StringComparison.Ordinal)
            && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount * unit <= TimeSpan.MaxValue.TotalSeconds)
        {
            duration = TimeSpan.FromSeconds(amount * unit);
            return true;
        }

        return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SiloNamePattern();

    [GeneratedRegex("(password|pwd)\\s*=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();

    /// <summary>A raw setting and where it came from.</summary>
    private sealed record Value(SiloCommandLine.Setting Setting, string? Text, string Source)
    {
        public SettingsException Invalid(string problem, bool quote = true)
        {
            var from = Source == "default" || Source == Setting.Option.Name ? "" : $" (from {Source})";
            var shown = quote ? $"'{Text}' is not valid: " : "";
            return new SettingsException($"{Setting.Option.Name}{from}: {shown}{problem}");
        }
    }
}
