using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansDist.AdoNet;

/// <summary>
/// A database for Orleans' ADO.NET providers: which kind, and the ADO.NET connection string. Make one with
/// <see cref="Sqlite(string)"/>, <see cref="Postgres(string)"/> or <see cref="FromSpec(string, string)"/>.
/// </summary>
/// <remarks><see cref="ToString"/> is <see cref="Describe"/>, so logging a connection never shows a password.</remarks>
public sealed record AdoNetConnection(AdoNetDatabase Database, string ConnectionString)
{
    /// <summary>SQLite's busy timeout, in seconds: how long a statement waits for another process's write lock.</summary>
    internal const int SqliteBusyTimeoutSeconds = 30;

    /// <summary>The ADO.NET invariant Orleans' providers take: <c>Npgsql</c>, or <c>System.Data.SQLite</c>, which Orleans maps to Microsoft.Data.Sqlite.</summary>
    public string Invariant => Database switch
    {
        AdoNetDatabase.Sqlite => "System.Data.SQLite",
        AdoNetDatabase.Postgres => "Npgsql",
        _ => throw new InvalidOperationException($"Unknown database kind {Database}."),
    };

    /// <summary>
    /// A SQLite database in the file at <paramref name="path"/> (relative paths are taken from the current directory).
    /// Creates the parent folder if it can; when it cannot yet, schema installation retries and reports why.
    /// </summary>
    public static AdoNetConnection Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        TryCreateParentFolder(fullPath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = SqliteBusyTimeoutSeconds,
        };
        return new AdoNetConnection(AdoNetDatabase.Sqlite, builder.ConnectionString);
    }

    /// <summary>A PostgreSQL database given by an Npgsql connection string (<c>Host=…;Port=…;Username=…;Database=…</c>).</summary>
    /// <exception cref="ArgumentException">The connection string does not parse, or names no host.</exception>
    public static AdoNetConnection Postgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {ex.Message}", nameof(connectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("Invalid PostgreSQL connection string: it names no Host (expected Host=…;Port=…;Username=…;Database=…).", nameof(connectionString));
        }

        return new AdoNetConnection(AdoNetDatabase.Postgres, connectionString);
    }

    /// <summary>From a parsed membership or storage spec (<c>MembershipUri.Parse</c>, <c>StorageUri.Parse</c>): scheme <c>sqlite</c> or <c>postgres</c>.</summary>
    /// <exception cref="ArgumentException">Another scheme (the message lists the valid ones), or an invalid value.</exception>
    public static AdoNetConnection FromSpec(string scheme, string value)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return scheme.Trim().ToLowerInvariant() switch
        {
            "sqlite" => Sqlite(value),
            "postgres" or "postgresql" => Postgres(value),
            _ => throw new ArgumentException($"Scheme '{scheme}' is not an ADO.NET database. Valid: sqlite, postgres", nameof(scheme)),
        };
    }

    /// <summary>For logs and messages: <c>sqlite /path/file.db</c>, or <c>postgres host:port/database</c> (never the password).</summary>
    public string Describe()
    {
        try
        {
            switch (Database)
            {
                case AdoNetDatabase.Sqlite:
                    return $"sqlite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
                case AdoNetDatabase.Postgres:
                    var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
                    var database = builder.Database ?? builder.Username ?? "(default database)";
                    return $"postgres {builder.Host}:{builder.Port}/{database}";
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // Fall through: a connection string that does not parse is described without its content.
        }

        return $"{Database.ToString().ToLowerInvariant()} (unparsable connection string)";
    }

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();

    private static void TryCreateParentFolder(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The installer tries again on every attempt and reports the reason; the folder may appear later.
        }
    }
}
