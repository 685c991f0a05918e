namespace OrleansDist.Hosting;

/// <summary>
/// Where a process's TLS material lives: its own certificate as PEM certificate + PEM key or as one PKCS#12 file, and the
/// CA (PEM, one or more certificates) that every peer's certificate must be issued by.
/// </summary>
public sealed record TlsFiles
{
    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }

    public string? PfxPath { get; init; }

    public string? PfxPassword { get; init; }

    public string? AuthorityPath { get; init; }

    /// <summary>True when any TLS file was named: then TLS is on and the set must be complete.</summary>
    public bool Any => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath)
        || !string.IsNullOrWhiteSpace(PfxPath) || !string.IsNullOrWhiteSpace(AuthorityPath);

    /// <summary>What is missing or contradictory (option names as the programs spell them); null when the set is complete.</summary>
    public string? Problem()
    {
        var pem = !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath);
        var pfx = !string.IsNullOrWhiteSpace(PfxPath);
        if (pem && pfx)
        {
            return "give either --tls-cert with --tls-key (PEM) or --tls-pfx (PKCS#12), not both";
        }

        if (pem && string.IsNullOrWhiteSpace(CertificatePath))
        {
            return "--tls-key needs --tls-cert (the PEM certificate that goes with the key)";
        }

        if (pem && string.IsNullOrWhiteSpace(KeyPath))
        {
            return "--tls-cert needs --tls-key (the PEM private key of the certificate)";
        }

        if (!pem && !pfx)
        {
            return "--tls-ca needs this process's own certificate: --tls-cert with --tls-key, or --tls-pfx";
        }

        if (string.IsNullOrWhiteSpace(AuthorityPath))
        {
            return "TLS needs --tls-ca, the CA certificate (PEM) that every silo's and client's certificate must be issued by";
        }

        return null;
    }
}
