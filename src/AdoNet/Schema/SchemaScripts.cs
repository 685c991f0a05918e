using System.Collections.Frozen;
using System.Reflection;

namespace OrleansDist.AdoNet.Schema;

/// <summary>
/// The SQL of one database, embedded from <c>Sql/&lt;Database&gt;/</c>: <c>Schema.sql</c> (tables, indexes, triggers) and
/// <c>Queries/&lt;QueryKey&gt;.sql</c>, one file per <c>OrleansQuery</c> row.
/// </summary>
internal sealed class SchemaScripts
{
    private static readonly Lazy<SchemaScripts> PostgresScripts = new(() => Load(AdoNetDatabase.Postgres));
    private static readonly Lazy<SchemaScripts> SqliteScripts = new(() => Load(AdoNetDatabase.Sqlite));

    private SchemaScripts(string schema, FrozenDictionary<string, string> queries)
    {
        Schema = schema;
        Queries = queries;
    }

    /// <summary>Creates the tables; idempotent.</summary>
    public string Schema { get; }

    /// <summary>Query key to query text, for the <c>OrleansQuery</c> table.</summary>
    public FrozenDictionary<string, string> Queries { get; }

    public static SchemaScripts For(AdoNetDatabase database) => database switch
    {
        AdoNetDatabase.Postgres => PostgresScripts.Value,
        AdoNetDatabase.Sqlite => SqliteScripts.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(database), database, null),
    };

    private static SchemaScripts Load(AdoNetDatabase database)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var prefix = $"{typeof(AdoNetDatabase).Namespace}.Sql.{database}.";
        var queryPrefix = prefix + "Queries.";
        var schema = Read(assembly, prefix + "Schema.sql");
        var queries = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(queryPrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[queryPrefix.Length..^".sql".Length], name => Read(assembly, name), StringComparer.Ordinal);

        // A missing or misspelt file would only show when a silo refuses to start; fail on first use instead.
        var missing = OrleansQueryKeys.All.Except(queries.Keys).ToList();
        var unknown = queries.Keys.Except(OrleansQueryKeys.All).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The embedded {database} queries do not match Orleans' keys. Missing: [{string.Join(", ", missing)}]; unknown: [{string.Join(", ", unknown)}].");
        }

        return new SchemaScripts(schema, queries);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded SQL '{name}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }
}
