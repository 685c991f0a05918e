using System.CommandLine;

namespace OrleansDist.Client;

/// <summary>
/// The options that choose where an experiment runs: an embedded cluster of <c>--silos</c> in-process silos (the default),
/// or the running cluster named by <c>--gateway</c>/<c>--membership</c> with <c>--cluster</c>.
/// </summary>
internal sealed class ExperimentClusterOptions
{
    public ExperimentClusterOptions(int defaultSilos = 3)
    {
        Silos = new Option<int>("--silos")
        {
            Description = "Silos of the embedded cluster (ignored with --cluster)",
            DefaultValueFactory = _ => defaultSilos,
            HelpName = "n",
        };
        Silos.Validators.Add(result =>
        {
            var silos = result.GetValueOrDefault<int>();
            if (silos is < 1 or > 16)
            {
                result.AddError($"--silos {silos} must be between 1 and 16");
            }
        });
    }

    public Option<bool> Cluster { get; } = new("--cluster")
    {
        Description = "Use the running cluster given by --gateway/--membership instead of an embedded one",
    };

    public Option<int> Silos { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Silos);
    }

    public (bool UseCluster, int Silos) Read(ParseResult parse) => (parse.GetValue(Cluster), parse.GetValue(Silos));
}
