-- Adds a silo row only if the cluster is still at the version the caller read (@Version) and the row is new.
-- The trigger OrleansMembershipInsertBumpsVersion bumps the version within this statement, and SQLite lets only
-- one writer in at a time, so the version check and the bump cannot be split by another writer.
-- Returns 1 on success, 0 otherwise (changes() does not count the trigger's update).
INSERT INTO OrleansMembershipTable
    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
FROM OrleansMembershipVersionTable
WHERE DeploymentId = @DeploymentId AND Version = @Version
ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
SELECT changes() AS Inserted;
