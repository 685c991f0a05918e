-- OrleansDist schema for Orleans' ADO.NET providers (clustering, grain persistence, reminders) on SQLite.
-- Runs on every start inside one BEGIN IMMEDIATE transaction, so every statement must be idempotent.
-- Times are TEXT as Microsoft.Data.Sqlite writes DateTime ('yyyy-MM-dd HH:mm:ss.FFFFFFF'), which sorts correctly.

-- Orleans reads its SQL from here: one row per query key (the rows live in Queries/*.sql).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- Clustering: one version row per cluster (DeploymentId = ClusterId). Every membership change bumps Version,
-- which is how Orleans' optimistic concurrency on the membership table works.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT NOT NULL PRIMARY KEY,
    Timestamp TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    Version INTEGER NOT NULL DEFAULT 0
);

-- Clustering: one row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT NOT NULL,
    Address TEXT NOT NULL,
    Port INTEGER NOT NULL,
    Generation INTEGER NOT NULL,
    SiloName TEXT NOT NULL,
    HostName TEXT NOT NULL,
    Status INTEGER NOT NULL,
    ProxyPort INTEGER NOT NULL DEFAULT 0,
    SuspectTimes TEXT NULL,
    StartTime TEXT NOT NULL,
    IAmAliveTime TEXT NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- SQLite cannot change two tables in one statement, and a transaction spelled out in a stored query would stay
-- open on a pooled connection if a statement failed. So the membership writes change only the silo row, guarded by
-- the version check in their WHERE clause, and these triggers bump the version inside that same statement. The
-- update trigger fires only for writes that set Status or SuspectTimes (UpdateMembershipKey), never for the
-- heartbeat (UpdateIAmAlivetimeKey, which sets IAmAliveTime alone), as on the other databases.
CREATE TRIGGER IF NOT EXISTS OrleansMembershipInsertBumpsVersion
AFTER INSERT ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE DeploymentId = NEW.DeploymentId;
END;

CREATE TRIGGER IF NOT EXISTS OrleansMembershipUpdateBumpsVersion
AFTER UPDATE OF Status, SuspectTimes ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE DeploymentId = NEW.DeploymentId;
END;

-- Grain state. The extension key is stored as '' rather than NULL so that the primary key (which treats NULLs
-- as distinct) really makes one row per grain state; Orleans' hashes are not needed with this key.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId TEXT NOT NULL,
    GrainTypeString TEXT NOT NULL,
    GrainIdN0 INTEGER NOT NULL,
    GrainIdN1 INTEGER NOT NULL,
    GrainIdExtensionString TEXT NOT NULL,
    PayloadBinary BLOB NULL,
    ModifiedOn TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    Version INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- Reminders. GrainHash is the grain's uniform hash as a signed int; the reminder service reads ring ranges of it.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId TEXT NOT NULL,
    GrainId TEXT NOT NULL,
    ReminderName TEXT NOT NULL,
    StartTime TEXT NOT NULL,
    Period INTEGER NOT NULL,
    GrainHash INTEGER NOT NULL,
    Version INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);
