using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Dist.GrainInterfaces.LineDownload;

namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// One TCP connection to a line server, bound to a chosen source address. Requests may be pipelined: every request
/// queues the kind of reply it expects, and one reader parses the replies in that order from whatever the reads deliver,
/// publishing them on <see cref="Replies"/>. After a malformed reply or a broken connection nothing more is read.
/// </summary>
internal sealed class LineServerConnection : IAsyncDisposable
{
    private static readonly byte[] SendLineRequest = "SENDLINE\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SendLineReplyParser _parser;
    private readonly int _maxLineLength;
    private readonly ConcurrentQueue<ServerReplyKind> _expected = new();
    private readonly Channel<ServerReply> _replies = Channel.CreateUnbounded<ServerReply>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _readLoop;

    private LineServerConnection(Socket socket, int expectedLines, int maxLineLength)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _parser = new SendLineReplyParser(expectedLines, maxLineLength);
        _maxLineLength = maxLineLength;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Replies in request order; completes after a Malformed or Closed reply.</summary>
    public ChannelReader<ServerReply> Replies => _replies.Reader;

    /// <summary>Requests sent whose replies have not been read off the socket yet.</summary>
    public int Outstanding => _expected.Count;

    /// <summary>
    /// Some reply is still to be handled: not yet read off the socket, or read and parsed but still waiting in
    /// <see cref="Replies"/> (the read loop runs ahead of whoever consumes them).
    /// </summary>
    public bool HasUnhandledReplies => _expected.Count > 0 || _replies.Reader.TryPeek(out _);

    public static async Task<LineServerConnection> ConnectAsync(
        string host, int port, IPAddress? source, int expectedLines, int maxLineLength, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var target = addresses.FirstOrDefault(a => source is null || a.AddressFamily == source.AddressFamily)
            ?? throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, port), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer from {host}:{port} within {connectTimeout.TotalSeconds:0.#} s");
            }

            return new LineServerConnection(socket, expectedLines, maxLineLength);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="count"/> SENDLINE requests in one write.</summary>
    public async ValueTask SendLineRequestsAsync(int count, CancellationToken cancellationToken)
    {
        var payload = new byte[SendLineRequest.Length * count];
        for (var i = 0; i < count; i++)
        {
            SendLineRequest.CopyTo(payload, i * SendLineRequest.Length);
            _expected.Enqueue(ServerReplyKind.SendLine);
        }

        await WriteAsync(payload, cancellationToken);
    }

    /// <summary>Sends a command whose reply is one line (e.g. <c>SESSION RESET</c>); the reply arrives on <see cref="Replies"/>.</summary>
    public async ValueTask SendCommandAsync(string command, CancellationToken cancellationToken)
    {
        _expected.Enqueue(ServerReplyKind.CommandReply);
        await WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), cancellationToken);
    }

    /// <summary>Sends a SUBMIT of <paramref name="lines"/> (sorted by number); its one-line reply arrives on <see cref="Replies"/>.</summary>
    public async ValueTask SendSubmitAsync(string entry, IReadOnlyList<NumberedLine> lines, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(lines.Count * 80);
        text.Append("SUBMIT\n").Append(entry).Append('\n').Append(lines.Count).Append('\n');
        foreach (var line in lines)
        {
            text.Append(line.Number).Append('\n').Append(line.Text).Append('\n');
        }

        _expected.Enqueue(ServerReplyKind.CommandReply);
        await WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }

    private async ValueTask WriteAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(payload, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw new IOException($"the connection to the line server broke while sending: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var token = _closing.Token;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(token);
                var buffer = result.Buffer;
                var stop = Drain(ref buffer);
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (stop)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    _replies.Writer.TryWrite(ServerReply.Closed(buffer.IsEmpty
                        ? "the server closed the connection"
                        : $"the server closed the connection in the middle of a reply ({buffer.Length} bytes left unparsed)"));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _replies.Writer.TryWrite(ServerReply.Closed("closed by the fetcher"));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _replies.Writer.TryWrite(ServerReply.Closed($"the connection broke: {ex.Message}"));
        }
        finally
        {
            _replies.Writer.TryComplete();
        }
    }

    /// <summary>Parses every complete reply in <paramref name="buffer"/>; true when the connection must not be read further.</summary>
    private bool Drain(ref ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (!_expected.TryPeek(out var kind))
            {
                var preview = Encoding.UTF8.GetString(buffer.Slice(0, Math.Min(buffer.Length, 60)).ToArray());
                _replies.Writer.TryWrite(ServerReply.Malformed($"the server sent bytes no request asked for: \"{preview.ReplaceLineEndings("\\n")}\""));
                return true;
            }

            if (kind == ServerReplyKind.SendLine)
            {
                if (StartsWithServerError(buffer, out var error))
                {
                    _replies.Writer.TryWrite(ServerReply.Malformed($"the server refused: {error}"));
                    return true;
                }

                var status = _parser.TryParse(ref buffer, out var reply);
                if (status == SendLineReplyParser.Status.NeedMoreData)
                {
                    return false;
                }

                if (status == SendLineReplyParser.Status.Malformed)
                {
                    _replies.Writer.TryWrite(ServerReply.Malformed($"malformed SENDLINE reply: {_parser.Error}"));
                    return true;
                }

                _expected.TryDequeue(out _);
                _replies.Writer.TryWrite(new ServerReply(ServerReplyKind.SendLine, reply));
                continue;
            }

            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (buffer.Length > _maxLineLength)
                {
                    _replies.Writer.TryWrite(ServerReply.Malformed($"a reply line longer than {_maxLineLength} bytes"));
                    return true;
                }

                return false;
            }

            _expected.TryDequeue(out _);
            _replies.Writer.TryWrite(new ServerReply(ServerReplyKind.CommandReply, Text: Encoding.UTF8.GetString(line).TrimEnd('\r')));
            buffer = buffer.Slice(reader.Position);
        }

        return false;
    }

    /// <summary>An <c>ERROR: …</c> line where a reply should start (e.g. too many connections from this address).</summary>
    private static bool StartsWithServerError(ReadOnlySequence<byte> buffer, out string error)
    {
        error = "";
        if (buffer.Length < 6 || !buffer.Slice(0, 6).ToArray().AsSpan().SequenceEqual("ERROR:"u8))
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        error = reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n')
            ? Encoding.UTF8.GetString(line).TrimEnd('\r')
            : Encoding.UTF8.GetString(buffer.Slice(0, Math.Min(buffer.Length, 200)).ToArray());
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already broken: disposing is all that is left
        }
        catch (ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync();
        try
        {
            await _readLoop;
        }
        catch (Exception)
        {
            // the loop reports its own failures on the channel
        }

        await _reader.CompleteAsync();
        _closing.Dispose();
        _writeLock.Dispose();
    }
}
