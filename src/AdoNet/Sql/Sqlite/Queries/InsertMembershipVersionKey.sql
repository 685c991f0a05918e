-- Creates the cluster's version row once; returns 1 if this call created it, else 0.
INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version)
VALUES (@DeploymentId, 0)
ON CONFLICT (DeploymentId) DO NOTHING;
SELECT changes() AS Created;
