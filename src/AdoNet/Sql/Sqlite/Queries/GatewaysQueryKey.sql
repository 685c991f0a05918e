-- Gateways for clients: silos with the requested status (Active) that opened a gateway port.
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
