using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansDist.Client.Certs;

/// <summary><c>orleansdist certs make</c>: a local CA and one certificate per host, as PEM files, to try mutual TLS.</summary>
internal static class CertsCommands
{
    public const string CaCertificateFile = "ca.pem";
    public const string CaKeyFile = "ca.key";

    public static Command Build()
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder for the files (created): ca.pem, ca.key, and per host NAME.pem, NAME.key; an existing ca.pem + ca.key there is reused",
            HelpName = "dir",
            Required = true,
        };
        var hosts = new Option<string[]>("--hosts")
        {
            Description = "One certificate per value NAME[,IP-or-DNS...]: NAME is the file name and common name, every entry a subject alternative name "
                + "(e.g. --hosts silo1,198.18.0.11 silo2,198.18.0.12 client)",
            HelpName = "name[,san...]",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var days = new Option<int>("--days")
        {
            Description = "Validity of new certificates, in days",
            DefaultValueFactory = _ => 365,
        };
        var caName = new Option<string>("--ca-name")
        {
            Description = "Common name of a new CA",
            DefaultValueFactory = _ => "OrleansDist local CA",
        };
        var make = new Command("make", "Makes a local CA (unless --out already holds one) and a certificate + key per host, PEM; "
            + "give a silo --tls-cert NAME.pem --tls-key NAME.key --tls-ca ca.pem") { output, hosts, days, caName };
        make.SetAction((parse, ct) => Program.Run(() => MakeAsync(
            parse.GetValue(output)!, parse.GetValue(hosts) ?? [], parse.GetValue(days), parse.GetValue(caName) ?? "OrleansDist local CA", Console.Out, ct)));
        return new Command("certs", "Certificates for mutual TLS between silos and clients") { make };
    }

    public static async Task MakeAsync(string directory, IReadOnlyList<string> hostTexts, int days, string caName, TextWriter output, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 3650)
        {
            throw new UsageException("--days must be between 1 and 3650");
        }

        var specs = new List<HostCertificateSpec>();
        foreach (var text in hostTexts)
        {
            try
            {
                specs.Add(HostCertificateSpec.Parse(text));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--hosts {ex.Message}");
            }
        }

        var duplicate = specs.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UsageException($"--hosts names '{duplicate.Key}' twice");
        }

        if (specs.Any(s => s.Name.Equals("ca", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UsageException("--hosts: 'ca' is the CA's file name; choose another host name");
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot create {directory}: {ex.Message}", ex);
        }

        var now = DateTimeOffset.UtcNow;
        var caPath = Path.Combine(directory, CaCertificateFile);
        var caKeyPath = Path.Combine(directory, CaKeyFile);
        LocalCertificateAuthority authority;
        if (File.Exists(caPath) && File.Exists(caKeyPath))
        {
            try
            {
                authority = LocalCertificateAuthority.Load(caPath, caKeyPath);
            }
            catch (CryptographicException ex)
            {
                throw new CommandFailedException($"{caPath} with {caKeyPath} is not a usable CA: {ex.Message} (move them away to make a new CA)", ex);
            }

            await output.WriteLineAsync($"Reusing the CA in {caPath}: {authority.Certificate.Subject}, valid until {authority.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        }
        else if (File.Exists(caPath) || File.Exists(caKeyPath))
        {
            throw new CommandFailedException($"{directory} holds only one of {CaCertificateFile} and {CaKeyFile}; remove it or supply both");
        }
        else
        {
            authority = LocalCertificateAuthority.Create(caName, TimeSpan.FromDays(Math.Max(days, 3650)), now);
            await WriteAsync(caPath, authority.Certificate.ExportCertificatePem(), secret: false, cancellationToken);
            await WriteAsync(caKeyPath, authority.ExportKeyPem(), secret: true, cancellationToken);
            await output.WriteLineAsync($"CA: {caPath} (key {caKeyPath}; keep it private): {authority.Certificate.Subject}");
        }

        using (authority)
        {
            foreach (var spec in specs)
            {
                using var certificate = authority.Issue(spec, TimeSpan.FromDays(days), now);
                var certificatePath = Path.Combine(directory, spec.Name + ".pem");
                var keyPath = Path.Combine(directory, spec.Name + ".key");
                await WriteAsync(certificatePath, certificate.ExportCertificatePem(), secret: false, cancellationToken);
                using var key = certificate.GetECDsaPrivateKey()!;
                await WriteAsync(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true, cancellationToken);
                var names = spec.DnsNames.Select(d => "DNS:" + d).Concat(spec.Addresses.Select(a => "IP:" + a));
                await output.WriteLineAsync($"{spec.Name}: {certificatePath} + {keyPath} ({string.Join(", ", names)}), valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
        }
    }

    /// <summary>Writes a file; keys are readable by their owner only (mode 600), created so from the start.</summary>
    private static async Task WriteAsync(string path, string text, bool secret, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using var stream = new FileStream(path, options);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
            await writer.WriteLineAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write {path}: {ex.Message}", ex);
        }
    }
}
