using System.CommandLine;
using Dist.GrainInterfaces.Clocks;

namespace OrleansDist.Client.Clocks;

/// <summary>Options of <c>clock berkeley</c> and <c>clock serve</c>: the clocks, how they misbehave, and the rounds.</summary>
internal sealed class BerkeleyOptions
{
    public Option<string> Clocks { get; } = new("--clocks") { Description = "The institute clocks, comma-separated", DefaultValueFactory = _ => string.Join(',', ClockArguments.DefaultClocks), HelpName = "names" };

    public Option<string> Skew { get; } = new("--skew") { Description = "Initial offsets from true time, e.g. KMC=+2.5s,MIT=-1.2s (units h, min, s, ms, us)", HelpName = "NAME=±duration,…" };

    public Option<string> Drift { get; } = new("--drift") { Description = "Rate errors, e.g. TAPMI=+80ppm,SOLS=-100ppm", HelpName = "NAME=±ppm,…" };

    public Option<string> Liar { get; } = new("--liar") { Description = "Faulty clocks whose every reading is off by this much, e.g. SOLS=+1h", HelpName = "NAME=±duration,…" };

    public Option<string> MasterSkew { get; } = new("--master-skew") { Description = "Initial offset of the master's own clock", DefaultValueFactory = _ => "0s", HelpName = "duration" };

    public Option<string> Period { get; } = new("--period") { Description = "Time between rounds", DefaultValueFactory = _ => "1s", HelpName = "duration" };

    public Option<string> Threshold { get; } = new("--threshold") { Description = "Readings farther than this from the median are left out of the average", DefaultValueFactory = _ => "10ms", HelpName = "duration" };

    public Option<int> Samples { get; } = new("--samples") { Description = "Polls per clock per round; the one with the smallest round trip is kept", DefaultValueFactory = _ => 3, HelpName = "n" };

    public Option<string> PollTimeout { get; } = new("--poll-timeout") { Description = "A clock that has not answered its polls in this time is left out of the round", DefaultValueFactory = _ => "300ms", HelpName = "duration" };

    public Option<string> SlewRate { get; } = new("--max-slew") { Description = "Largest slew rate of every clock", DefaultValueFactory = _ => "2000ppm", HelpName = "ppm" };

    public Option<string> StepThreshold { get; } = new("--step-threshold") { Description = "Corrections at least this large are stepped, smaller ones slewed", DefaultValueFactory = _ => "128ms", HelpName = "duration" };

    public ExperimentClusterOptions Where { get; } = new(defaultSilos: 3);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Clocks, Skew, Drift, Liar, MasterSkew, Period, Threshold, Samples, PollTimeout, SlewRate, StepThreshold })
        {
            command.Options.Add(option);
        }

        Where.AddTo(command);
    }

    /// <summary>The configuration the options describe; <see cref="UsageException"/> for anything wrong.</summary>
    public (BerkeleyConfig Config, string[] Clocks) Read(ParseResult parse, int rounds)
    {
        var clocks = ClockArguments.ParseClocks(parse.GetValue(Clocks) ?? "");
        var skews = ClockArguments.ParseMap(parse.GetValue(Skew), "--skew", clocks, ClockArguments.ParseDuration);
        var drifts = ClockArguments.ParseMap(parse.GetValue(Drift), "--drift", clocks, ClockArguments.ParsePpm);
        var lies = ClockArguments.ParseMap(parse.GetValue(Liar), "--liar", clocks, ClockArguments.ParseDuration);
        var period = ClockArguments.ParsePositiveDuration(parse.GetValue(Period) ?? "", "--period");
        var threshold = ClockArguments.ParseDuration(parse.GetValue(Threshold) ?? "", "--threshold");
        if (threshold < 0)
        {
            throw new UsageException($"--threshold must not be negative, got '{parse.GetValue(Threshold)}'");
        }

        var pollTimeout = ClockArguments.ParsePositiveDuration(parse.GetValue(PollTimeout) ?? "", "--poll-timeout");
        var slew = ClockArguments.ParsePpm(parse.GetValue(SlewRate) ?? "", "--max-slew");
        if (slew <= 0)
        {
            throw new UsageException("--max-slew must be positive");
        }

        var step = ClockArguments.ParseDuration(parse.GetValue(StepThreshold) ?? "", "--step-threshold");
        if (step < 0)
        {
            throw new UsageException("--step-threshold must not be negative");
        }

        var samples = parse.GetValue(Samples);
        if (samples is < 1 or > 100)
        {
            throw new UsageException($"--samples must be between 1 and 100, got {samples}");
        }

        if (period > 3600 || pollTimeout > 60)
        {
            throw new UsageException("--period is at most 1h and --poll-timeout at most 60s");
        }

        ClockSettings Settings(double skew, double drift, double? lie) => new()
        {
            SkewSeconds = skew,
            DriftPpm = drift,
            LieSeconds = lie,
            MaxSlewPpm = slew,
            StepThresholdSeconds = step,
        };

        var config = new BerkeleyConfig
        {
            Clocks = [.. clocks.Select(c => new BerkeleyClock(c, Settings(skews.GetValueOrDefault(c), drifts.GetValueOrDefault(c), lies.TryGetValue(c, out var lie) ? lie : null)))],
            Master = Settings(ClockArguments.ParseDuration(parse.GetValue(MasterSkew) ?? "", "--master-skew"), 0, null),
            PeriodMs = (int)Math.Max(1, Math.Round(period * 1000)),
            ThresholdMs = threshold * 1000,
            Rounds = rounds,
            SamplesPerPoll = samples,
            PollTimeoutMs = (int)Math.Max(1, Math.Round(pollTimeout * 1000)),
            // the runner reads the rounds as they come; the master keeps only the last ones (its state is written every round)
            History = 100,
        };
        return (config, clocks);
    }
}
