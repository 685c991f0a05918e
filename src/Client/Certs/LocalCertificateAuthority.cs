using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansDist.Client.Certs;

/// <summary>
/// A local CA for trying mutual TLS out: a self-signed CA certificate (ECDSA P-256) that issues one certificate per host,
/// usable both as TLS server and TLS client (silos are both; clients present theirs to the gateways).
/// </summary>
public sealed class LocalCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private LocalCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA valid from now (minus a minute of clock skew) for <paramref name="lifetime"/>.</summary>
    public static LocalCertificateAuthority Create(string name, TimeSpan lifetime, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now + lifetime);
        return new LocalCertificateAuthority(certificate, key);
    }

    /// <summary>An existing CA from its PEM certificate and PEM private key.</summary>
    /// <exception cref="CryptographicException">The files are not a PEM certificate and its ECDSA key.</exception>
    public static LocalCertificateAuthority Load(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var key = certificate.GetECDsaPrivateKey() ?? throw new CryptographicException($"{keyPath} is not an ECDSA key");
        return new LocalCertificateAuthority(certificate, key);
    }

    /// <summary>A certificate for <paramref name="host"/> with a new key, issued by this CA; never outlives the CA.</summary>
    public X509Certificate2 Issue(HostCertificateSpec host, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={host.Name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in host.DnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in host.Addresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        var notAfter = now + lifetime < Certificate.NotAfter ? now + lifetime : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddMinutes(-1), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The CA's private key as PKCS#8 PEM (kept beside the CA to issue more certificates later).</summary>
    public string ExportKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
