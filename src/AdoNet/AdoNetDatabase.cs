namespace OrleansDist.AdoNet;

/// <summary>The databases OrleansDist runs Orleans' ADO.NET clustering, grain storage and reminders on.</summary>
public enum AdoNetDatabase
{
    /// <summary>A SQLite file (Microsoft.Data.Sqlite): one machine, several processes.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (Npgsql).</summary>
    Postgres,
}
