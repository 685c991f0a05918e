namespace OrleansDist.AdoNet;

/// <summary>
/// The Orleans schema could not be installed: the database stayed unreachable for the allowed time, or it failed in
/// a way that waiting cannot fix (corrupt SQLite file, login refused, bad connection string, missing database).
/// The message says what failed and where (the SQLite path, or PostgreSQL host, port and database; never a password).
/// </summary>
public sealed class SchemaInstallException : Exception
{
    public SchemaInstallException()
    {
    }

    public SchemaInstallException(string message)
        : base(message)
    {
    }

    public SchemaInstallException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
