-- One silo row with the cluster's version, or the version alone (silo columns NULL) when the silo has no row.
SELECT
    m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
    m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
