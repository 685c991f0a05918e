using System.CommandLine;
using System.CommandLine.Parsing;
using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Client.P2P;

/// <summary>Options the p2p commands share: where the peers run, and sizes.</summary>
internal sealed class P2POptions
{
    public Option<bool> Cluster { get; } = new("--cluster")
    {
        Description = "Use the running cluster's peers (silos started with --peer NAME --share DIR) instead of embedded ones",
    };

    public Option<string[]> Shares { get; } = new("--share")
    {
        Description = "Without --cluster: run peer NAME on an embedded silo of its own, sharing DIR (repeat for each peer)",
        HelpName = "name=dir",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> UploadRate { get; } = new("--upload-rate")
    {
        Description = "Without --cluster: the embedded peers' upload limit, e.g. 20MiB/s (0 = unlimited)",
        HelpName = "rate",
        DefaultValueFactory = _ => "0",
    };

    public P2POptions()
    {
        Shares.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (ParseShare(token.Value, 0) is null)
                {
                    result.AddError($"--share '{token.Value}' is not NAME=DIR with a peer name of letters, digits, '.', '_' or '-'");
                }
            }

            var names = result.Tokens.Select(t => t.Value.Split('=')[0]).ToList();
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            {
                result.AddError("--share names a peer twice");
            }
        });
        UploadRate.Validators.Add(result =>
        {
            if (!ByteSize.TryParseRate(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"--upload-rate '{result.GetValueOrDefault<string>()}' is not a rate such as 20MiB/s, 512KiB/s or 0");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Shares);
        command.Options.Add(UploadRate);
    }

    public (bool UseCluster, IReadOnlyList<PeerShareOptions> Shares) Read(ParseResult parse)
    {
        ByteSize.TryParseRate(parse.GetValue(UploadRate), out var rate);
        var shares = (parse.GetValue(Shares) ?? []).Select(s => ParseShare(s, rate)!).ToList();
        return (parse.GetValue(Cluster), shares);
    }

    private static PeerShareOptions? ParseShare(string text, long rate)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1 || !PeerShareOptions.IsValidName(text[..at]))
        {
            return null;
        }

        return new PeerShareOptions(text[..at], Path.GetFullPath(text[(at + 1)..]), rate);
    }

    /// <summary>A size option (<c>1MiB</c>) within bounds.</summary>
    public static Option<string> SizeOption(string name, string description, string defaultValue, long min, long max)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "size", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!ByteSize.TryParse(text, out var bytes) || bytes < min || bytes > max)
            {
                result.AddError($"{name} '{text}' is not a size between {ByteSize.Format(min)} and {ByteSize.Format(max)} (e.g. 1MiB, 512KiB)");
            }
        });
        return option;
    }

    public static Option<string> ChunkOption() =>
        SizeOption("--chunk", "Chunk size (each chunk is verified by its SHA-256)", "1MiB", P2PLimits.MinChunkSize, P2PLimits.MaxChunkSize);

    public static long Bytes(ParseResult parse, Option<string> option)
    {
        ByteSize.TryParse(parse.GetValue(option), out var bytes);
        return bytes;
    }

    public static void Range(OptionResult result, string name, int min, int max)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{name} {value} must be between {min} and {max}");
        }
    }
}
