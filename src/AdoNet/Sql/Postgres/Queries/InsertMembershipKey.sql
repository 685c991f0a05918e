-- Adds a silo row only if the cluster is still at the version the caller read (@Version) and the row is new;
-- the version bump and the insert are one statement, so either both happen or neither does. Concurrent writers
-- queue on the version row and then fail the version check. Returns 1 on success, 0 otherwise.
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId AND Version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId
), inserted AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT count(*) AS Inserted FROM inserted;
