-- OrleansDist schema for Orleans' ADO.NET providers (clustering, grain persistence, reminders) on PostgreSQL.
-- Runs on every start inside one transaction holding an advisory lock, so every statement must be idempotent.
-- Tables go to the first schema of the connection's search_path.

-- Orleans reads its SQL from here: one row per query key (the rows live in Queries/*.sql).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText text NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);

-- Clustering: one version row per cluster (DeploymentId = ClusterId). Every membership change bumps Version,
-- which is how Orleans' optimistic concurrency on the membership table works.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp timestamptz NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

-- Clustering: one row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NOT NULL DEFAULT 0,
    SuspectTimes text NULL,
    StartTime timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Grain state. The extension key is stored as '' rather than NULL so that the primary key (which treats NULLs
-- as distinct) really makes one row per grain state; Orleans' hashes are not needed with this key.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId varchar(150) NOT NULL,
    GrainTypeString text NOT NULL,
    GrainIdN0 bigint NOT NULL,
    GrainIdN1 bigint NOT NULL,
    GrainIdExtensionString text NOT NULL,
    PayloadBinary bytea NULL,
    ModifiedOn timestamptz NOT NULL DEFAULT now(),
    Version integer NOT NULL,
    CONSTRAINT PK_OrleansStorage PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- Reminders. GrainHash is the grain's uniform hash as a signed int; the reminder service reads ring ranges of it.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId text NOT NULL,
    ReminderName text NOT NULL,
    StartTime timestamptz NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,
    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);
