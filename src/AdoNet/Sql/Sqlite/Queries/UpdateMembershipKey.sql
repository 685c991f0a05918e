-- Changes a silo row only if the cluster is still at the version the caller read (@Version); the trigger
-- OrleansMembershipUpdateBumpsVersion (it fires because Status is set) bumps the version within this statement.
-- Returns 1 on success, 0 on a version conflict or a missing row.
UPDATE OrleansMembershipTable
SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND EXISTS (SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version);
SELECT changes() AS Updated;
