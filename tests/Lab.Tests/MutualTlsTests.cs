using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansDist.Lab.Tests;

/// <summary>
/// Mutual TLS across lab hosts (netns-lab.sh up --tls: a CA and a certificate per host from `orleansdist certs make`):
/// a client without a certificate, a client and a silo with a certificate of another CA are refused, and each refusal
/// is logged by the refusing silo; a silo and a client with a certificate of our CA join.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class MutualTlsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Without_the_right_certificate_clients_and_silos_are_refused_and_the_refusal_is_logged_with_it_they_join()
    {
        await using var lab = await Lab.UpAsync(output, 2, "--tls");
        var evil = Path.Combine(Path.GetTempPath(), $"orleansdist-evil-ca-{Environment.ProcessId}");
        var processes = new List<LabProcess>();
        try
        {
            var clientDll = lab.Environment["LAB_CLIENT_DLL"];
            var siloDll = lab.Environment["LAB_SILO_DLL"];
            string[] plainClient = ["exec", Lab.ClientHost, "dotnet", clientDll, "--membership", lab.Membership, "--cluster-id", Lab.ClusterId, "--connect-timeout", "4"];

            // with our CA's certificate: answered
            var good = await lab.ClientAsync(CommandTimeout, "hello", "--name", "tls");
            Assert.True(good.ExitCode == 0, $"the client with the lab's certificate was not answered:\n{good.Output}");
            Assert.Contains("Hello, tls!", good.Output, StringComparison.Ordinal);

            // no certificate at all: the gateways refuse the connection and log it
            var plain = await lab.RunAsync(CommandTimeout, [.. plainClient, "hello"]);
            Assert.NotEqual(0, plain.ExitCode);
            Assert.Contains("no gateway reachable", plain.Output, StringComparison.Ordinal);
            AssertSiloLogged(@"\[5201\] TLS: refused a connection from 198\.18\.0\.4:\d+ on the gateway port");

            // a certificate of another CA (same host name and address): refused, and the refusal names it
            var made = await Lab.RunProcessAsync("dotnet", [clientDll, "certs", "make", "--out", evil, "--hosts", $"client,{Lab.ClientAddress}", "--ca-name", "Somebody else's CA"], CommandTimeout);
            Assert.True(made.ExitCode == 0, made.Output);
            string[] evilTls = ["--tls-cert", Path.Combine(evil, "client.pem"), "--tls-key", Path.Combine(evil, "client.key"), "--tls-ca", Path.Combine(evil, "ca.pem")];
            var impostor = await lab.RunAsync(CommandTimeout, [.. plainClient, .. evilTls, "hello"]);
            Assert.NotEqual(0, impostor.ExitCode);
            AssertSiloLogged(@"\[5200\] TLS: refused the certificate of the client or silo at 198\.18\.0\.4:\d+ \(CN=client issued by CN=Somebody else's CA");

            // a silo with the other CA's certificate never becomes Active: the silos refuse it (and it refuses them)
            var rogue = lab.StartOnHost(Lab.ClientHost, ["dotnet", siloDll, "--name", "rogue", "--advertised-ip", Lab.ClientAddress, "--membership", lab.Membership,
                "--cluster-id", Lab.ClusterId, .. evilTls]);
            processes.Add(rogue);
            Assert.True(await rogue.WaitForExitAsync(TimeSpan.FromSeconds(120)), "the silo with another CA's certificate still runs after 120 s:\n" + rogue.Tail());
            Assert.DoesNotContain("SILO READY", rogue.Output, StringComparison.Ordinal);
            Assert.NotEqual(0, rogue.ExitCode);
            AssertSiloLogged(@"\[5201\] TLS: refused a connection from 198\.18\.0\.4:\d+ on the silo port");
            Assert.Matches(@"\[5200\] TLS: refused the certificate of the silo at 198\.18\.0\.1[12]:11111 \(CN=silo[12] issued by CN=OrleansDist local CA", rogue.Output);
            Assert.DoesNotContain(await lab.ReadMembershipAsync(), r => r.Silo == "rogue" && r.Status == MembershipRow.Active);

            // a silo on the same host with our CA's certificate joins
            var certs = Path.Combine(Lab.StateDirectory, "certs");
            var guest = lab.StartOnHost(Lab.ClientHost, "dotnet", siloDll, "--name", "guest", "--advertised-ip", Lab.ClientAddress, "--membership", lab.Membership,
                "--cluster-id", Lab.ClusterId, "--tls-cert", Path.Combine(certs, "client.pem"), "--tls-key", Path.Combine(certs, "client.key"), "--tls-ca", Path.Combine(certs, "ca.pem"));
            processes.Add(guest);
            await guest.WaitForLineAsync(l => l.StartsWith("SILO READY name=guest", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            var rows = await lab.ReadMembershipAsync();
            Assert.Contains(rows, r => r.Silo == "guest" && r.Status == MembershipRow.Active);
            Assert.All(rows.Where(r => r.Silo.StartsWith("silo", StringComparison.Ordinal)), r => Assert.Equal(MembershipRow.Active, r.Status));
            output.WriteLine("membership: " + string.Join(", ", rows.Select(r => $"{r.Silo}@{r.Generation}={(r.Status == MembershipRow.Active ? "Active" : r.Status == MembershipRow.Dead ? "Dead" : r.Status.ToString(CultureInfo.InvariantCulture))}")));
        }
        finally
        {
            foreach (var process in processes)
            {
                output.WriteLine($"--- pid {process.Pid} (last lines)\n{process.Tail(8)}");
                await process.DisposeAsync();
            }

            if (Directory.Exists(evil))
            {
                Directory.Delete(evil, recursive: true);
            }
        }

        void AssertSiloLogged(string pattern)
        {
            var logs = Lab.ReadLog("silo1.err") + Lab.ReadLog("silo2.err");
            var match = Regex.Match(logs, pattern);
            Assert.True(match.Success, $"no silo logged /{pattern}/; their TLS lines:\n{string.Join('\n', logs.Split('\n').Where(l => l.Contains("TLS", StringComparison.Ordinal)).TakeLast(10))}");
            output.WriteLine("logged: " + logs[logs.LastIndexOf('\n', match.Index)..].Split('\n', 3)[1]);
        }
    }
}
