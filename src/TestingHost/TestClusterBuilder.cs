using OrleansDist.Runtime.Hosting;

namespace OrleansDist.TestingHost;

/// <summary>Builds an in-process cluster of silos that talk over real loopback TCP. Configure silos and client by delegate.</summary>
public sealed class TestClusterBuilder
{
    private readonly List<Action<ISiloBuilder>> _siloConfigurations = [];
    private readonly List<Action<IClientBuilder>> _clientConfigurations = [];

    public TestClusterBuilder(int initialSilosCount = 2)
    {
        Options.InitialSilosCount = initialSilosCount;
    }

    public TestClusterOptions Options { get; } = new();

    /// <summary>Applied to every silo (including ones started later).</summary>
    public TestClusterBuilder ConfigureSilo(Action<ISiloBuilder> configure)
    {
        _siloConfigurations.Add(configure);
        return this;
    }

    public TestClusterBuilder ConfigureClient(Action<IClientBuilder> configure)
    {
        _clientConfigurations.Add(configure);
        return this;
    }

    public TestCluster Build() => new(Options, [.. _siloConfigurations], [.. _clientConfigurations]);
}

public sealed class TestClusterOptions
{
    public int InitialSilosCount { get; set; } = 2;

    public string ClusterId { get; set; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string ServiceId { get; set; } = "testservice";

    /// <summary>Fast failure detection (about 3 s) instead of the production defaults.</summary>
    public bool UseFastMembership { get; set; } = true;

    /// <summary>Response timeout for calls in the cluster and from its client.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Give every silo a gateway, so the client can fail over.</summary>
    public bool GatewayOnEverySilo { get; set; } = true;
}
