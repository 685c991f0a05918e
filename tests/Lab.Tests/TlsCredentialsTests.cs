using System.Security.Cryptography.X509Certificates;
using OrleansDist.Client.Certs;
using OrleansDist.Hosting;

namespace OrleansDist.Lab.Tests;

/// <summary>Loading and checking TLS files (no root needed): PEM and PKCS#12, our CA only, clear errors.</summary>
public sealed class TlsCredentialsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansdist-tls-").FullName;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Fact]
    public void A_certificate_of_our_CA_loads_from_PEM_and_its_peers_are_checked_against_that_CA_only()
    {
        using var ours = LocalCertificateAuthority.Create("ours", TimeSpan.FromDays(30), _now);
        using var theirs = LocalCertificateAuthority.Create("theirs", TimeSpan.FromDays(30), _now);
        var files = WritePem(ours, "silo1", "ca.pem");

        var credentials = TlsCredentials.Load(files);

        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.Equal("CN=silo1", credentials.Certificate.Subject);
        using var friend = ours.Issue(HostCertificateSpec.Parse("silo2,198.18.0.12"), TimeSpan.FromDays(1), _now);
        using var stranger = theirs.Issue(HostCertificateSpec.Parse("silo2,198.18.0.12"), TimeSpan.FromDays(1), _now);
        Assert.Null(credentials.CheckChain(friend));
        Assert.Contains("PartialChain", credentials.CheckChain(stranger), StringComparison.Ordinal);
    }

    [Fact]
    public void A_PKCS12_file_loads_with_its_password_and_a_wrong_one_says_so()
    {
        using var ca = LocalCertificateAuthority.Create("ours", TimeSpan.FromDays(30), _now);
        using var certificate = ca.Issue(HostCertificateSpec.Parse("client"), TimeSpan.FromDays(1), _now);
        var pfx = Path.Combine(_directory, "client.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "s3cret"));
        var caPath = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(caPath, ca.Certificate.ExportCertificatePem());

        Assert.Equal("CN=client", TlsCredentials.Load(new TlsFiles { PfxPath = pfx, PfxPassword = "s3cret", AuthorityPath = caPath }).Certificate.Subject);
        var wrong = Assert.Throws<TlsConfigurationException>(() => TlsCredentials.Load(new TlsFiles { PfxPath = pfx, PfxPassword = "guess", AuthorityPath = caPath }));
        Assert.Contains("wrong password", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_not_issued_by_the_given_CA_is_refused_at_start()
    {
        using var ours = LocalCertificateAuthority.Create("ours", TimeSpan.FromDays(30), _now);
        using var theirs = LocalCertificateAuthority.Create("theirs", TimeSpan.FromDays(30), _now);
        var files = WritePem(theirs, "silo1", "their-ca.pem") with { AuthorityPath = Path.Combine(_directory, "ca.pem") };
        File.WriteAllText(files.AuthorityPath!, ours.Certificate.ExportCertificatePem());

        var error = Assert.Throws<TlsConfigurationException>(() => TlsCredentials.Load(files));
        Assert.Contains("is not issued by the CA in", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cert", "--tls-cert needs --tls-key")]
    [InlineData("key", "--tls-key needs --tls-cert")]
    [InlineData("cert+key", "TLS needs --tls-ca")]
    [InlineData("ca", "--tls-ca needs this process's own certificate")]
    [InlineData("cert+key+pfx+ca", "not both")]
    public void An_incomplete_set_of_options_names_what_is_missing(string given, string expected)
    {
        var files = new TlsFiles
        {
            CertificatePath = given.Contains("cert", StringComparison.Ordinal) ? "c.pem" : null,
            KeyPath = given.Contains("key", StringComparison.Ordinal) ? "c.key" : null,
            PfxPath = given.Contains("pfx", StringComparison.Ordinal) ? "c.pfx" : null,
            AuthorityPath = given.Contains("ca", StringComparison.Ordinal) ? "ca.pem" : null,
        };

        Assert.True(files.Any);
        Assert.Contains(expected, files.Problem(), StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<TlsConfigurationException>(() => TlsCredentials.Load(files)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var files = new TlsFiles { CertificatePath = Path.Combine(_directory, "nope.pem"), KeyPath = "k", AuthorityPath = "ca" };
        var error = Assert.Throws<TlsConfigurationException>(() => TlsCredentials.Load(files));
        Assert.Equal($"--tls-cert: no such file {Path.Combine(_directory, "nope.pem")}", error.Message);
        Assert.False(new TlsFiles().Any);
    }

    [Fact]
    public void Host_specs_give_the_name_and_the_subject_alternative_names()
    {
        var spec = HostCertificateSpec.Parse("silo1,198.18.0.11,silo1.lab,::1");
        Assert.Equal("silo1", spec.Name);
        Assert.Equal(["silo1", "silo1.lab"], spec.DnsNames);
        Assert.Equal(["198.18.0.11", "::1"], spec.Addresses.Select(a => a.ToString()));
        Assert.Throws<FormatException>(() => HostCertificateSpec.Parse("bad name"));
        Assert.Throws<FormatException>(() => HostCertificateSpec.Parse("silo1,"));
        Assert.Throws<FormatException>(() => HostCertificateSpec.Parse("silo1,not a host"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private TlsFiles WritePem(LocalCertificateAuthority ca, string host, string caFile)
    {
        using var certificate = ca.Issue(HostCertificateSpec.Parse(host), TimeSpan.FromDays(1), _now);
        var certificatePath = Path.Combine(_directory, host + ".pem");
        var keyPath = Path.Combine(_directory, host + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        var caPath = Path.Combine(_directory, caFile);
        File.WriteAllText(caPath, ca.Certificate.ExportCertificatePem());
        return new TlsFiles { CertificatePath = certificatePath, KeyPath = keyPath, AuthorityPath = caPath };
    }
}
