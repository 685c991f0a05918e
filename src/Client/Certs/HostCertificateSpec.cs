using System.Net;

namespace OrleansDist.Client.Certs;

/// <summary>
/// One certificate to make: <c>NAME[,SAN...]</c>. NAME is the file name and the subject's common name and is itself a
/// subject alternative name; every further entry is an IP address or a DNS name (e.g. <c>silo1,198.18.0.11,silo1.lab</c>).
/// </summary>
public sealed record HostCertificateSpec(string Name, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<string> DnsNames)
{
    /// <summary>Parses one <c>--hosts</c> value; the exception's message says what is wrong.</summary>
    /// <exception cref="FormatException">Not NAME[,IP-or-DNS...].</exception>
    public static HostCertificateSpec Parse(string text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var name = parts[0];
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new FormatException($"'{text}': the name (before the first comma) must be 1-64 letters, digits, '.', '-' or '_'");
        }

        var addresses = new List<IPAddress>();
        var dnsNames = new List<string>();
        AddName(name);
        foreach (var part in parts.Skip(1))
        {
            if (part.Length == 0)
            {
                throw new FormatException($"'{text}': empty entry after a comma");
            }

            AddName(part);
        }

        return new HostCertificateSpec(name, addresses, dnsNames);

        void AddName(string entry)
        {
            if (IPAddress.TryParse(entry, out var ip) && (entry.Contains(':', StringComparison.Ordinal) || entry.Count(c => c == '.') == 3))
            {
                if (!addresses.Contains(ip))
                {
                    addresses.Add(ip);
                }
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                if (!dnsNames.Contains(entry, StringComparer.OrdinalIgnoreCase))
                {
                    dnsNames.Add(entry);
                }
            }
            else
            {
                throw new FormatException($"'{text}': '{entry}' is neither an IP address nor a host name");
            }
        }
    }
}
