using Microsoft.Data.Sqlite;
using OrleansDist.AdoNet.Hosting;

namespace OrleansDist.AdoNet.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public void Postgres_DescribesHostPortAndDatabase_NeverThePassword()
    {
        var connection = AdoNetConnection.Postgres("Host=db.internal;Port=6543;Username=app;Password=s3cret;Database=orleans");
        Assert.Equal(AdoNetDatabase.Postgres, connection.Database);
        Assert.Equal("Npgsql", connection.Invariant);
        Assert.Equal("postgres db.internal:6543/orleans", connection.Describe());
        Assert.Equal(connection.Describe(), connection.ToString());
        Assert.Equal("postgres db.internal:5432/app", AdoNetConnection.Postgres("Host=db.internal;Username=app").Describe());
    }

    [Fact]
    public void Sqlite_MakesAConnectionStringFromAPath_AndCreatesTheFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "orleansdist-adonet-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var connection = AdoNetConnection.Sqlite(Path.Combine(folder, "nested", "cluster.db"));
            Assert.Equal("System.Data.SQLite", connection.Invariant);
            Assert.True(Directory.Exists(Path.Combine(folder, "nested")));
            var builder = new SqliteConnectionStringBuilder(connection.ConnectionString);
            Assert.Equal(Path.Combine(folder, "nested", "cluster.db"), builder.DataSource);
            Assert.Equal(SqliteOpenMode.ReadWriteCreate, builder.Mode);
            Assert.Equal($"sqlite {builder.DataSource}", connection.Describe());

            var relative = AdoNetConnection.Sqlite("relative.db");
            Assert.Equal($"sqlite {Path.GetFullPath("relative.db")}", relative.Describe());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("sqlite:/var/lib/app/cluster.db", AdoNetDatabase.Sqlite)]
    [InlineData("postgres:Host=db;Port=5432;Username=app;Database=orleans", AdoNetDatabase.Postgres)]
    [InlineData("postgresql:Host=db", AdoNetDatabase.Postgres)]
    public void FromSpec_TakesWhatTheSpecParsersReturn(string spec, AdoNetDatabase expected)
    {
        var (scheme, value) = StorageUri.Parse(spec);
        Assert.Equal(expected, AdoNetConnection.FromSpec(scheme, value).Database);
    }

    [Fact]
    public void FromSpec_RefusesOtherSchemesListingTheValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => AdoNetConnection.FromSpec("memory", ""));
        Assert.StartsWith("Scheme 'memory' is not an ADO.NET database. Valid: sqlite, postgres", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite:/var/lib/app/cluster.db", "sqlite", "/var/lib/app/cluster.db")]
    [InlineData("SQLite:relative/x.db", "sqlite", "relative/x.db")]
    [InlineData("postgres:Host=db;Port=5432;Username=app;Database=orleans", "postgres", "Host=db;Port=5432;Username=app;Database=orleans")]
    [InlineData("postgresql:Host=db", "postgres", "Host=db")]
    [InlineData("localhost", "localhost", "")]
    [InlineData(" LocalHost ", "localhost", "")]
    public void MembershipUri_ParsesValidSpecs(string spec, string scheme, string value)
    {
        Assert.Equal((scheme, value), MembershipUri.Parse(spec));
    }

    [Theory]
    [InlineData("redis:host", "Unknown membership scheme 'redis'. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("memory", "Unknown membership scheme 'memory'. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("sqlite:", "The membership spec 'sqlite:' lacks its value: expected sqlite:<path>. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    [InlineData("", "Empty membership spec. Valid: sqlite:<path>, postgres:<connection string>, localhost")]
    public void MembershipUri_RejectsOthersListingTheValidForms(string spec, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => MembershipUri.Parse(spec));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void StorageUri_AcceptsMemoryAndListsValidForms()
    {
        Assert.Equal(("memory", ""), StorageUri.Parse("memory"));
        Assert.Equal(("sqlite", "/tmp/s.db"), StorageUri.Parse("sqlite:/tmp/s.db"));
        Assert.Equal(("postgres", "Host=x"), StorageUri.Parse("postgres:Host=x"));
        var ex = Assert.Throws<ArgumentException>(() => StorageUri.Parse("redis:x"));
        Assert.Equal("Unknown storage scheme 'redis'. Valid: sqlite:<path>, postgres:<connection string>, memory, localhost", ex.Message);
    }
}
