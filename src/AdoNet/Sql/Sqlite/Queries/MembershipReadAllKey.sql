-- Every silo row of the cluster, each joined to the cluster's version. A cluster without silos still yields one
-- row (version only, silo columns NULL): Orleans takes the table version from the first row.
SELECT
    m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
    m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
