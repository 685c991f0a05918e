-- Heartbeat: deliberately outside the version protocol (it sets neither Status nor SuspectTimes, so the version
-- trigger stays quiet; Orleans reads no result).
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
