using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.AdoNet.Membership;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.Cluster.Tests;

/// <summary>The two real databases the multi-process tests run on.</summary>
public static class Databases
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The silo's --membership value for a fresh database of this kind.</summary>
    public static string MembershipSpec(string kind, string testName) => kind switch
    {
        Sqlite => "sqlite:" + Path.Combine(Path.GetTempPath(), "orleansdist-tests", $"{testName}-{Guid.NewGuid():N}.db"),
        Postgres => "postgres:" + PostgresConnectionString(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static IMembershipTable OpenTable(string membershipSpec, string clusterId)
    {
        var colon = membershipSpec.IndexOf(':');
        var scheme = membershipSpec[..colon];
        var value = membershipSpec[(colon + 1)..];
        return scheme == Sqlite
            ? new SqliteMembershipTable(value, clusterId, NullLogger.Instance)
            : new PostgresMembershipTable(value, clusterId, NullLogger.Instance);
    }

    public static string PostgresConnectionString() =>
        Environment.GetEnvironmentVariable("ORLEANSDIST_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "ORLEANSDIST_TEST_POSTGRES is not set: run the tests with ./test.sh, or start a server with tests/scripts/pg-test-server.sh start and export ORLEANSDIST_TEST_POSTGRES=\"$(cat tests/.pg-connection)\"");

    public static IEnumerable<object[]> Both()
    {
        yield return [Sqlite];
        if (Environment.GetEnvironmentVariable("ORLEANSDIST_SKIP_POSTGRES") != "1")
        {
            yield return [Postgres];
        }
    }
}
