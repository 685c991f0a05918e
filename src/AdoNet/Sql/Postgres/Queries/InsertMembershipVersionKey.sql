-- Creates the cluster's version row once; returns 1 if this call created it, else 0.
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*) AS Created FROM created;
