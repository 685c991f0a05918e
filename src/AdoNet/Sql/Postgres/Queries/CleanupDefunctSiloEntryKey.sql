-- Drops one Dead (6) silo row that Orleans judged defunct, but only if the row still holds exactly the values
-- Orleans judged (so a row that changed in the meantime survives).
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND SuspectTimes IS NOT DISTINCT FROM @SuspectTimes;
