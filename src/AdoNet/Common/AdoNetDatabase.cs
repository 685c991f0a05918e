using System.Data.Common;

namespace OrleansDist.AdoNet.Common;

/// <summary>What the provider-independent SQL of the membership table and the grain storage needs from one database engine.</summary>
internal interface IAdoNetDatabase
{
    /// <summary>For messages: the file path, or host:port/database (never a password).</summary>
    string Description { get; }

    /// <summary>
    /// Runs <paramref name="work"/> inside one transaction and commits it. Write transactions take the write lock up front
    /// (SQLite: BEGIN IMMEDIATE); read transactions see one consistent snapshot.
    /// </summary>
    Task<T> RunAsync<T>(bool write, Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs the (idempotent) DDL and records <paramref name="version"/> for <paramref name="component"/> in <c>OrleansDistSchema</c>.</summary>
    Task EnsureSchemaAsync(string component, int version, IReadOnlyList<string> ddl, CancellationToken cancellationToken);

    /// <summary>The parameter value that stores a point in time (always UTC).</summary>
    object TimeValue(DateTimeOffset value);

    DateTimeOffset ReadTime(DbDataReader reader, int ordinal);
}

internal static class Sql
{
    public static DbCommand Command(DbConnection connection, DbTransaction transaction, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string text, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string text, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
