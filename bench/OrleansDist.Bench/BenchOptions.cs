using System.Globalization;

namespace OrleansDist.Bench;

internal enum Role
{
    Bench,
    Silo,
    EchoServer,
}

/// <summary>Thrown for bad command lines: the message is shown with a hint and the process exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Command line of the bench (the parent) and of its child roles.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        OrleansDist.Bench: raw framed TCP vs client->grain vs grain->grain (two silo processes), side by side,
        on Microsoft Orleans.

        Usage: OrleansDist.Bench [--quick] [--json FILE] [--otlp ENDPOINT] [--payload BYTES] [--concurrency LIST] [--scenarios LIST] [--verbose]

          --quick              short run (< 60 s on 2 cores): fewer iterations, shorter warm-up
          --json FILE          also write the results as JSON to FILE
          --payload BYTES      application payload per message, 8..65536 (default 68): the raw frame body,
                               and the byte[] argument/result of the echo grain calls
          --concurrency LIST   calls kept in flight for the pipelined runs (default 1,16,256)
          --scenarios LIST     any of raw,client,cross (default all three)
          --otlp ENDPOINT      trace every grain call (AddActivityPropagation) and export spans, metrics and logs
                               over OTLP/gRPC to ENDPOINT, e.g. http://127.0.0.1:4317 (an Aspire dashboard); off by default
          --verbose            show the child processes' output (silo logs at Information; Warning without --verbose)
          -h, --help           this text

        Scenarios (all endpoints are separate processes on 127.0.0.1):
          raw     4-byte little-endian length prefix + payload over System.IO.Pipelines/NetworkStream; an
                  echo-server child process answers every frame. This is the floor.
          client  Orleans client (this process, UseOrleansClient) -> reentrant echo grain on silo A (through A's
                  gateway).
          cross   driver grain on silo A -> reentrant echo grain on silo B; the driver measures and reports.
        Silos A and B are child processes on development clustering (A primary, B joins through A); grains are
        pinned with a placement hint and asked where they run before anything is measured.

        Child roles (started by the bench itself; not for direct use):
          --role silo --name NAME --silo-port P --gateway-port G --primary PRIMARY_SILO_PORT [--verbose]
                      (gateway port 0: no gateway; primary port = own silo port: this silo is the primary)
          --role echo-server --port P
        Exit codes: 0 done, 1 failure, 2 bad arguments, 128 + signal number when interrupted (130 for Ctrl+C).
        """;

    public Role Role { get; private set; } = Role.Bench;

    public bool Help { get; private set; }

    public bool Quick { get; private set; }

    public string? JsonPath { get; private set; }

    /// <summary>Trace every grain call and export spans, metrics and logs over OTLP/gRPC to this endpoint (e.g. a running Aspire dashboard's 4317).</summary>
    public string? OtlpEndpoint { get; private set; }

    public int Payload { get; private set; } = 68;

    public int[] Concurrency { get; private set; } = [1, 16, 256];

    public HashSet<string> Scenarios { get; private set; } = new(StringComparer.OrdinalIgnoreCase) { "raw", "client", "cross" };

    public bool Verbose { get; private set; }

    // child roles
    public string? Name { get; private set; }

    public int SiloPort { get; private set; } = -1;

    public int GatewayPort { get; private set; } = -1;

    public int PrimaryPort { get; private set; } = -1;

    public int Port { get; private set; } = -1;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            if (!seen.Add(arg))
            {
                throw new UsageException($"{arg} given twice");
            }

            string Value()
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{arg} needs a value");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "-h":
                case "--help":
                    o.Help = true;
                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                case "--verbose":
                    o.Verbose = true;
                    break;
                case "--json":
                    o.JsonPath = Value();
                    break;
                case "--otlp":
                    o.OtlpEndpoint = Value();
                    break;
                case "--payload":
                    o.Payload = Int(arg, Value(), 8, 65536);
                    break;
                case "--concurrency":
                    o.Concurrency = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Int(arg, v, 1, 100_000)).Distinct()];
                    if (o.Concurrency.Length == 0)
                    {
                        throw new UsageException("--concurrency needs at least one number");
                    }

                    break;
                case "--scenarios":
                    var list = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var s in list)
                    {
                        if (s is not ("raw" or "client" or "cross"))
                        {
                            throw new UsageException($"unknown scenario '{s}' (expected raw, client, cross)");
                        }
                    }

                    o.Scenarios = new HashSet<string>(list, StringComparer.OrdinalIgnoreCase);
                    if (o.Scenarios.Count == 0)
                    {
                        throw new UsageException("--scenarios needs at least one scenario");
                    }

                    break;
                case "--role":
                    o.Role = Value() switch
                    {
                        "silo" => Role.Silo,
                        "echo-server" => Role.EchoServer,
                        var r => throw new UsageException($"unknown role '{r}' (expected silo or echo-server)"),
                    };
                    break;
                case "--name":
                    o.Name = Value();
                    break;
                case "--silo-port":
                    o.SiloPort = Int(arg, Value(), 1, 65535);
                    break;
                case "--gateway-port":
                    o.GatewayPort = Int(arg, Value(), 0, 65535);
                    break;
                case "--primary":
                    o.PrimaryPort = Int(arg, Value(), 1, 65535);
                    break;
                case "--port":
                    o.Port = Int(arg, Value(), 1, 65535);
                    break;
                default:
                    throw new UsageException($"unknown option '{arg}'");
            }
        }

        o.Validate(seen);
        return o;
    }

    private void Validate(HashSet<string> seen)
    {
        string[] benchOnly = ["--quick", "--json", "--payload", "--concurrency", "--scenarios", "--verbose"];
        switch (Role)
        {
            case Role.Silo:
                if (string.IsNullOrWhiteSpace(Name) || SiloPort < 0 || GatewayPort < 0 || PrimaryPort < 0)
                {
                    throw new UsageException("--role silo needs --name, --silo-port, --gateway-port and --primary");
                }

                Forbid(seen, ["--port", .. benchOnly.Where(b => b != "--verbose")], "--role silo");
                break;
            case Role.EchoServer:
                if (Port < 0)
                {
                    throw new UsageException("--role echo-server needs --port");
                }

                Forbid(seen, ["--name", "--silo-port", "--gateway-port", "--primary", .. benchOnly], "--role echo-server");
                break;
            default:
                Forbid(seen, ["--name", "--silo-port", "--gateway-port", "--primary", "--port"], "the bench (they belong to --role)");
                if (JsonPath is not null && string.IsNullOrWhiteSpace(JsonPath))
                {
                    throw new UsageException("--json needs a file name");
                }

                break;
        }
    }

    private static void Forbid(HashSet<string> seen, string[] options, string context)
    {
        foreach (var option in options)
        {
            if (seen.Contains(option))
            {
                throw new UsageException($"{option} is not valid for {context}");
            }
        }
    }

    private static int Int(string option, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{option}: '{text}' is not a whole number in {min}..{max}");
        }

        return value;
    }
}
