using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Client.Servers;

/// <summary>
/// The experiment's clients: N connections opened at once with async sockets (one process, no thread per client, so the
/// generator is not what limits the servers; one thread per core starts its share of the connections), each sends one task and waits for its reply, then says <c>exit</c>. The
/// figure is the time from the start until the last correct reply. Every client that gets no correct reply is counted
/// with the reason (refused, reset, closed, an error line, a wrong reply, the deadline). With
/// <c>holdUntilAllReplied</c> a client says <c>exit</c> only once every client has its reply, so that the goodbyes (and
/// the actor design's deactivations) do not compete with the replies being timed; a server that serves one connection
/// at a time per worker (serial, process) needs the exit at once to move on. Besides the figure it records when the last
/// client was connected and the longest any client waited from sending its task to its reply: the first is the cost of
/// opening N connections (on the generator's machine as much as on the server's), the second the server's own delay.
/// </summary>
internal static class LoadGenerator
{
    private const int MaxReplyBytes = 64 * 1024;

    public static async Task<LoadRunResult> RunAsync(IPEndPoint server, int clients, string runTag, TimeSpan deadline, bool holdUntilAllReplied, CancellationToken cancellationToken)
    {
        var settled = new Countdown(clients, holdUntilAllReplied);
        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadlineSource.CancelAfter(deadline);
        var token = deadlineSource.Token;
        var replyTimes = new double[clients];
        var phases = new ClientPhases[clients];
        var failures = new string?[clients];
        var tasks = new Task[clients];
        var lanes = Math.Clamp(Environment.ProcessorCount, 1, clients);
        var clock = Stopwatch.StartNew();
        // one lane per core opens its share of the connections, so that opening them is not one thread's work: on 2 cores,
        // 10,000 clients against the async server, 3 x 3 runs alternating, 1 lane gave medians 3.54/3.47/3.50 s, 2 lanes
        // 3.42/3.46/3.41 s (the kernel's handshake work happens in the connecting thread on loopback)
        var opening = Enumerable.Range(0, lanes).Select(lane => Task.Factory.StartNew(() =>
        {
            for (var i = lane; i < clients; i += lanes)
            {
                var index = i;
                tasks[index] = RunClientAsync(server, $"task {runTag} client {index:D5}", clock, phases, index, settled, token).ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        replyTimes[index] = t.Result;
                    }
                    else
                    {
                        failures[index] = Classify(t.Exception?.GetBaseException(), token.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
                    }
                }, TaskScheduler.Default);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(opening);
        await Task.WhenAll(tasks);
        cancellationToken.ThrowIfCancellationRequested();
        var wall = clock.Elapsed.TotalSeconds;
        var times = replyTimes.Where((_, i) => failures[i] is null).Order().ToArray();
        var connected = phases.Select(p => p.Connected).DefaultIfEmpty().Max();
        var longestWait = replyTimes.Select((reply, i) => failures[i] is null ? reply - phases[i].Sent : 0).DefaultIfEmpty().Max();
        var reasons = failures.OfType<string>().GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        return new LoadRunResult(
            clients,
            reasons.Count == 0 ? times[^1] : null,
            times.Length,
            reasons,
            times.Length > 0 ? times[0] : null,
            times.Length > 0 ? times[times.Length / 2] : null,
            wall,
            deadlineSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested,
            connected > 0 ? connected : null,
            times.Length > 0 ? longestWait : null);
    }

    /// <returns>Seconds from the run's start until this client's correct reply.</returns>
    private static async Task<double> RunClientAsync(IPEndPoint server, string text, Stopwatch clock, ClientPhases[] phases, int index, Countdown settled, CancellationToken cancellationToken)
    {
        var phase = "connect";
        var counted = false;
        try
        {
            using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server, cancellationToken);
            phase = "reply";
            phases[index].Connected = clock.Elapsed.TotalSeconds;
            await socket.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), SocketFlags.None, cancellationToken);
            phases[index].Sent = clock.Elapsed.TotalSeconds;
            var reader = new ReplyReader(socket);
            var reply = await reader.ReadLineAsync(cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            counted = true;
            settled.Signal();
            var expected = TaskProtocol.Reply(text);
            if (reply != expected)
            {
                throw new WrongReplyException(reply is null ? "server closed the connection without a reply"
                    : reply.StartsWith(TaskProtocol.ErrorPrefix, StringComparison.Ordinal) ? "server answered " + Shorten(reply)
                    : "wrong reply");
            }

            // the reply is what was timed; exit is polite and lets a serial server move on at once
            phase = "goodbye";
            await settled.WaitAsync(cancellationToken);
            await socket.SendAsync(Encoding.UTF8.GetBytes(TaskProtocol.ExitCommand + "\n"), SocketFlags.None, cancellationToken);
            var goodbye = await reader.ReadLineAsync(cancellationToken);
            if (goodbye != TaskProtocol.Goodbye)
            {
                throw new WrongReplyException($"answered exit with {Shorten(goodbye ?? "(closed)")}");
            }

            return seconds;
        }
        catch (OperationCanceledException)
        {
            // a cancelled task would lose the phase: carry it in a fault
            throw new StoppedException(phase);
        }
        finally
        {
            if (!counted)
            {
                settled.Signal();
            }
        }
    }

    private static string Classify(Exception? error, bool deadline) => error switch
    {
        WrongReplyException wrong => wrong.Message,
        StoppedException stopped when deadline => stopped.Message == "connect" ? "not connected before the deadline" : "no reply before the deadline",
        StoppedException => "cancelled",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "connection reset by the server",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connect timed out",
        SocketException { SocketErrorCode: SocketError.TooManyOpenSockets } => "client out of file descriptors",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => "client out of ephemeral ports",
        SocketException socket => "socket error " + socket.SocketErrorCode,
        null => "unknown",
        _ => error.GetType().Name,
    };

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";

    /// <summary>Counts the clients that got a reply or failed before one; lets the held clients go when all have.</summary>
    private sealed class Countdown(int clients, bool hold)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = clients;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _all.TrySetResult();
            }
        }

        public Task WaitAsync(CancellationToken cancellationToken) => hold ? _all.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Seconds from the run's start until the client was connected and until its task was sent (0: not reached).</summary>
    private struct ClientPhases
    {
        public double Connected;
        public double Sent;
    }

    private sealed class WrongReplyException(string message) : Exception(message);

    /// <summary>The run's deadline or cancellation stopped the client in the named phase.</summary>
    private sealed class StoppedException(string phase) : Exception(phase);

    /// <summary>Reads reply lines from the socket, keeping what arrives after a newline for the next line.</summary>
    private sealed class ReplyReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[4096];
        private readonly List<byte> _pending = [];

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = _pending.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString([.. _pending.Take(newline)]).TrimEnd('\r');
                    _pending.RemoveRange(0, newline + 1);
                    return line;
                }

                if (_pending.Count > MaxReplyBytes)
                {
                    throw new WrongReplyException("reply line too long");
                }

                var read = await socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                _pending.AddRange(_buffer.AsSpan(0, read));
            }
        }
    }
}
