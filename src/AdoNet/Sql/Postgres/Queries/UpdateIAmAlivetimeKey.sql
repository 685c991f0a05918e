-- Heartbeat: deliberately outside the version protocol (Orleans neither reads a result nor bumps the version).
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
