using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Dist.GrainInterfaces.Groups;

namespace OrleansDist.Client.Groups;

/// <summary><c>group serve --udp-port P</c>: the seed's UDP server, its clients' messages entering the cluster as unicasts.</summary>
internal static class GroupServeCommand
{
    public static Command Build(CommonOptions common)
    {
        var port = new Option<int>("--udp-port") { Description = "UDP port to listen on (0: a free one; the seed's is 20001)", Required = true, HelpName = "port" };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--udp-port must be between 0 and 65535");
            }
        });
        var bind = new Option<string>("--bind") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1", HelpName = "address" };
        bind.Validators.Add(r =>
        {
            if (!IPAddress.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--bind '{r.GetValueOrDefault<string>()}' is not an IP address");
            }
        });
        var from = new Option<string>("--from") { Description = "The member the messages are sent from", DefaultValueFactory = _ => "udp-server", HelpName = "member" };
        from.Validators.Add(r =>
        {
            if (GroupNames.CheckName(r.GetValueOrDefault<string>(), "member") is { } error)
            {
                r.AddError(error);
            }
        });
        var command = new Command("serve", "UDP endpoint for the seed's clients: a datagram 'text' + digit d is a unicast to member client<d>, answered once delivered")
        {
            port,
            bind,
            from,
        };
        return GroupCommands.WithCluster(command, common, async (parse, client, ct) =>
        {
            UdpClient socket;
            try
            {
                socket = new UdpClient(new IPEndPoint(IPAddress.Parse(parse.GetValue(bind)!), parse.GetValue(port)));
            }
            catch (SocketException ex)
            {
                throw new CommandFailedException($"cannot listen on udp {parse.GetValue(bind)}:{parse.GetValue(port)}: {ex.Message}", ex);
            }

            using (socket)
            {
                var server = new GroupUdpServer(client, socket, parse.GetValue(from)!, TimeSpan.FromSeconds(5), Console.Out, Console.Error);
                await Console.Out.WriteLineAsync($"GROUP SERVER READY udp={server.EndPoint.Address}:{server.EndPoint.Port}");
                await Console.Out.FlushAsync(ct);
                await server.RunAsync(ct);
                await Console.Out.WriteLineAsync($"stopped after {server.Received} datagrams ({server.Errors} errors)");
                return new { udp = server.EndPoint.ToString(), datagrams = server.Received, errors = server.Errors };
            }
        });
    }
}
