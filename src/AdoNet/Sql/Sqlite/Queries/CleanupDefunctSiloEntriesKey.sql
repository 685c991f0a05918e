-- Older cleanup, used by Orleans only when CleanupDefunctSiloEntryKey is missing: drops Dead (6) silo rows whose
-- last heartbeat is older than the cutoff (the TEXT times compare in time order).
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime;
