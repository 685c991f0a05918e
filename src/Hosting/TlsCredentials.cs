using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansDist.Hosting;

/// <summary>A TLS file that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class TlsConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The loaded TLS material of one silo or client: its own certificate (with private key) and the CA certificates its peers'
/// certificates must chain to. Only our CA counts: the operating system's trust store is not consulted.
/// </summary>
public sealed class TlsCredentials
{
    private TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This process's certificate, with its private key; presented to every peer (mutual TLS).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates a peer's certificate must be issued by.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads and checks the files: readable, a private key that matches, within validity, issued by the CA.</summary>
    /// <exception cref="TlsConfigurationException">A file is missing, unreadable, of the wrong kind, or does not fit.</exception>
    public static TlsCredentials Load(TlsFiles files, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Problem() is { } problem)
        {
            throw new TlsConfigurationException(problem);
        }

        var certificate = string.IsNullOrWhiteSpace(files.PfxPath)
            ? LoadPem(files.CertificatePath!, files.KeyPath!)
            : LoadPfx(files.PfxPath, files.PfxPassword);
        var authorities = LoadAuthorities(files.AuthorityPath!);

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var source = files.PfxPath ?? files.CertificatePath!;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            throw new TlsConfigurationException(
                $"the certificate in {source} ({certificate.Subject}) is valid only from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}");
        }

        var credentials = new TlsCredentials(certificate, authorities);
        if (credentials.CheckChain(certificate) is { } chainProblem)
        {
            // peers would refuse it: say so now rather than fail every handshake
            throw new TlsConfigurationException($"the certificate in {source} ({certificate.Subject}) is not issued by the CA in {files.AuthorityPath}: {chainProblem}");
        }

        return credentials;
    }

    /// <summary>Why <paramref name="peer"/> does not chain to one of <see cref="Authorities"/>; null when it does.</summary>
    public string? CheckChain(X509Certificate2 peer, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        if (chain.Build(peer))
        {
            return null;
        }

        var reasons = chain.ChainStatus
            .Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => $"{s.Status}: {s.StatusInformation.Trim()}")
            .Distinct()
            .ToList();
        return reasons.Count == 0 ? "the chain could not be built" : string.Join("; ", reasons);
    }

    /// <summary>One line for logs: subject, issuer, expiry, thumbprint.</summary>
    public static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} issued by {certificate.Issuer}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}, thumbprint {certificate.Thumbprint}";

    private static X509Certificate2 LoadPem(string certificatePath, string keyPath)
    {
        RequireFile(certificatePath, "--tls-cert");
        RequireFile(keyPath, "--tls-key");
        X509Certificate2 fromPem;
        try
        {
            fromPem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException ex)
        {
            throw new TlsConfigurationException($"cannot load the certificate {certificatePath} with the key {keyPath}: {ex.Message} (PEM certificate and its PEM private key expected)", ex);
        }
        catch (ArgumentException ex)
        {
            throw new TlsConfigurationException($"cannot load the certificate {certificatePath} with the key {keyPath}: {ex.Message} (PEM certificate and its PEM private key expected)", ex);
        }

        // SslStream on Linux wants the key in a form it can export into its own context: round-trip through PKCS#12.
        using (fromPem)
        {
            return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    private static X509Certificate2 LoadPfx(string path, string? password)
    {
        RequireFile(path, "--tls-pfx");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new TlsConfigurationException($"cannot load the PKCS#12 file {path}: {ex.Message} (wrong password? see --tls-pfx-password)", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new TlsConfigurationException($"the PKCS#12 file {path} holds no private key for {certificate.Subject}");
        }

        return certificate;
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        RequireFile(path, "--tls-ca");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new TlsConfigurationException($"cannot read the CA file {path}: {ex.Message} (PEM certificates expected)", ex);
        }

        if (authorities.Count == 0)
        {
            throw new TlsConfigurationException($"the CA file {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        return authorities;
    }

    private static void RequireFile(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new TlsConfigurationException($"{option}: no such file {Path.GetFullPath(path)}");
        }
    }
}
