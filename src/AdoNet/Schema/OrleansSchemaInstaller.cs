using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansDist.AdoNet.Schema;

namespace OrleansDist.AdoNet;

/// <summary>
/// Creates what Orleans' ADO.NET clustering, grain storage and reminders need in a database: the tables, and the
/// <c>OrleansQuery</c> rows from which the providers read their SQL at start. Orleans ships no such script in its
/// packages, and the ones in its repository fail on a second run; this one can run on every start.
/// </summary>
public static class OrleansSchemaInstaller
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    // An attempt cut short by the deadline still gets this long, so a tiny remainder does not doom the last try.
    private static readonly TimeSpan ShortestAttempt = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Installs the schema and query rows for clustering, persistence and reminders. Idempotent, and safe when several
    /// processes run it at once on the same database (PostgreSQL: advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>).
    /// Existing query rows are replaced by this version's text; existing tables are left as they are.
    /// </summary>
    /// <param name="connection">The database.</param>
    /// <param name="logger">Gets one warning per failed attempt while the database is unreachable.</param>
    /// <param name="maxWait">How long to keep retrying (backoff 0.5 s doubling to 5 s) while the database is unreachable.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SchemaInstallException">
    /// Still unreachable after <paramref name="maxWait"/>, or at once for what retrying cannot fix (corrupt SQLite
    /// file, login refused, missing database, bad connection string).
    /// </exception>
    public static async Task InstallAsync(AdoNetConnection connection, ILogger logger, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);

        var scripts = SchemaScripts.For(connection.Database);
        var database = connection.Describe();
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var attemptTimeout = Max(maxWait - clock.Elapsed, ShortestAttempt);
            attemptCancellation.CancelAfter(attemptTimeout);
            SchemaFailure failure;
            Exception error;
            try
            {
                await InstallOnceAsync(connection, scripts, logger, attemptCancellation.Token).ConfigureAwait(false);
                if (attempt > 1)
                {
                    SchemaInstallerLog.Reachable(logger, database, attempt);
                }

                SchemaInstallerLog.Installed(logger, database, scripts.Queries.Count, clock.ElapsedMilliseconds);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                error = ex;
                failure = attemptCancellation.IsCancellationRequested
                    ? new SchemaFailure(true, $"no answer within {Format(attemptTimeout)}")
                    : SchemaFailure.Classify(connection, ex);
            }

            if (!failure.Retryable)
            {
                throw new SchemaInstallException($"Cannot install the Orleans schema in {database}: {failure.Description}", error);
            }

            var remaining = maxWait - clock.Elapsed;
            // too little left for another attempt to mean anything: no retry "in 0 s"; but the caller was promised maxWait,
            // so the failure comes when it is over, not up to a quarter of a second before
            if (remaining < TimeSpan.FromMilliseconds(250))
            {
                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
                }

                throw new SchemaInstallException(
                    $"database {database} still unreachable after {Format(maxWait)} ({attempt} attempts): {failure.Description}", error);
            }

            var wait = Min(delay, remaining);
            SchemaInstallerLog.Unreachable(logger, database, failure.Description, Format(wait));
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            delay = Min(delay * 2, LongestDelay);
        }
    }

    private static Task InstallOnceAsync(AdoNetConnection connection, SchemaScripts scripts, ILogger logger, CancellationToken cancellationToken) =>
        connection.Database switch
        {
            AdoNetDatabase.Postgres => PostgresSchemaWriter.InstallAsync(connection, scripts, cancellationToken),
            AdoNetDatabase.Sqlite => SqliteSchemaWriter.InstallAsync(connection, scripts, logger, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(connection), connection.Database, "Unknown database kind."),
        };

    private static string Format(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
