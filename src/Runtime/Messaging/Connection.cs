using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansDist.Runtime.Telemetry;

namespace OrleansDist.Runtime.Messaging;

/// <summary>
/// One TCP connection carrying length-prefixed message frames both ways. Writes are queued and flushed in batches,
/// so many small messages share a syscall. Malformed input closes this connection only.
/// </summary>
internal sealed class Connection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly Channel<Message> _outbound = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly int _maxMessageSize;
    private readonly ILogger _logger;
    private readonly TelemetryOrigin _origin;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<Connection, Message>? _onMessage;
    private int _closing;

    private Connection(Socket socket, Handshake local, Handshake remote, int maxMessageSize, ILogger logger)
    {
        _origin = TelemetryOrigin.For(local);
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        Remote = remote;
        RemoteEndPoint = socket.RemoteEndPoint;
        _maxMessageSize = maxMessageSize;
        _logger = logger;
        Name = $"{remote.Role.ToString().ToLowerInvariant()} {remote.Name} ({RemoteEndPoint})";
    }

    public Handshake Remote { get; }

    public EndPoint? RemoteEndPoint { get; }

    public string Name { get; }

    public bool IsOpen => Volatile.Read(ref _closing) == 0;

    /// <summary>Completes when the connection has closed; its result is the reason.</summary>
    public Task Closed => _closed.Task;

    public string? CloseReason { get; private set; }

    /// <summary>Messages queued but never written when the connection closed: the owner reports them undeliverable.</summary>
    public IEnumerable<Message> DrainUnsent()
    {
        while (_outbound.Reader.TryRead(out var message))
        {
            yield return message;
        }
    }

    /// <summary>Connects, sends our handshake and checks the reply. Throws with a readable reason on refusal or timeout.</summary>
    public static async Task<Connection> ConnectAsync(
        EndPoint endpoint, Handshake local, Func<Handshake, string?> validateRemote, MessagingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(local.Encode(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var remote = await ReadHandshakeAsync(socket, timeout.Token).ConfigureAwait(false);
            if (remote.Role == ConnectionRole.Refused)
            {
                MessagingLog.RefusedByRemote(logger, endpoint, remote.Name);
                throw new ConnectionRefusedException($"{endpoint} refused the connection: {remote.Name}");
            }

            var problem = validateRemote(remote);
            if (problem is not null)
            {
                MessagingLog.RefusedConnection(logger, endpoint, problem);
                throw new ConnectionRefusedException($"{endpoint}: {problem}");
            }

            return new Connection(socket, local, remote, options.MaxMessageSize, logger);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to {endpoint} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the remote handshake on an accepted socket and answers it (or refuses). Returns null when refused or broken.</summary>
    public static async Task<Connection?> AcceptAsync(
        Socket socket, Func<Handshake, string?> validateRemote, Handshake local, MessagingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        var remoteEndPoint = socket.RemoteEndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var remote = await ReadHandshakeAsync(socket, timeout.Token).ConfigureAwait(false);
            var problem = remote.Role == ConnectionRole.Refused ? "peer sent a refusal as its opening" : validateRemote(remote);
            if (problem is not null)
            {
                MessagingLog.RefusedConnection(logger, remoteEndPoint, problem);
                try
                {
                    await socket.SendAsync(Handshake.Refusal(problem).Encode(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception)
                {
                    // the peer may already be gone; the refusal was logged here
                }

                socket.Dispose();
                return null;
            }

            await socket.SendAsync(local.Encode(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            return new Connection(socket, local, remote, options.MaxMessageSize, logger);
        }
        catch (Exception ex) when (ex is InvalidDataException or SocketException or OperationCanceledException or IOException)
        {
            var reason = ex is OperationCanceledException ? "no handshake within the connect timeout" : ex.Message;
            MessagingLog.HandshakeFailed(logger, remoteEndPoint, reason);
            socket.Dispose();
            return null;
        }
    }

    private static async Task<Handshake> ReadHandshakeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await ReceiveExactlyAsync(socket, prefix, cancellationToken).ConfigureAwait(false);
        var length = BitConverter.ToInt32(prefix);
        if (length is < 7 or > Handshake.MaxSize)
        {
            throw new InvalidDataException($"not an OrleansDist connection (handshake length {length})");
        }

        var body = new byte[length];
        await ReceiveExactlyAsync(socket, body, cancellationToken).ConfigureAwait(false);
        return Handshake.Decode(body);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("connection closed during the handshake");
            }

            buffer = buffer[read..];
        }
    }

    /// <summary>Starts the read and write loops; <paramref name="onMessage"/> runs on the read loop and must not block.</summary>
    public void Start(Action<Connection, Message> onMessage)
    {
        _onMessage = onMessage;
        MessagingLog.ConnectionEstablished(_logger, Name);
        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues a message; false if the connection is closed.</summary>
    public bool TrySend(Message message) => IsOpen && _outbound.Writer.TryWrite(message);

    /// <summary>Drops the connection without a goodbye (a reset).</summary>
    public void Abort(string reason) => Shut(reason, graceful: false);

    /// <summary>Closes the connection with an orderly TCP shutdown; messages not yet written are dropped.</summary>
    public void Close(string reason) => Shut(reason, graceful: true);

    private void Shut(string reason, bool graceful)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        _outbound.Writer.TryComplete();
        try
        {
            if (graceful)
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            else
            {
                _socket.LingerState = new LingerOption(true, 0);
            }

            _socket.Close();
        }
        catch (Exception)
        {
            // already closed
        }

        MessagingLog.ConnectionClosed(_logger, Name, reason);
        _closed.TrySetResult();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var written = 0;
                while (reader.TryRead(out var message))
                {
                    try
                    {
                        MessageCodec.CheckSize(message, _maxMessageSize);
                        MessageCodec.Write(_writer, message);
                    }
                    catch (ArgumentException ex)
                    {
                        // senders check sizes first; a message that still cannot be framed is dropped alone
                        MessagingLog.Undeliverable(_logger, message.ToString(), ex.Message);
                        continue;
                    }

                    written++;
                    if (_writer.UnflushedBytes > 256 * 1024)
                    {
                        break;
                    }
                }

                // one measurement per batch, not per message
                if (written > 0 && RuntimeTelemetry.MessagesSent.Enabled)
                {
                    RuntimeTelemetry.MessagesSent.Add(written, _origin.Tag);
                }

                var result = await _writer.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            Abort("closed locally");
        }
        catch (Exception ex)
        {
            Abort("write failed: " + ex.Message);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var read = 0;
                try
                {
                    while (TryReadFrame(ref buffer, out var message))
                    {
                        read++;
                        _onMessage!(this, message);
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read > 0 && RuntimeTelemetry.MessagesReceived.Enabled)
                    {
                        RuntimeTelemetry.MessagesReceived.Add(read, _origin.Tag);
                    }
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        Abort($"connection ended in the middle of a frame ({buffer.Length} bytes unread)");
                        return;
                    }

                    Abort("closed by remote");
                    return;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            MessagingLog.ClosingOnBadInput(_logger, Name, ex.Message);
            RuntimeTelemetry.MalformedFrames.Add(1, _origin.Tag);
            Abort("bad input: " + ex.Message);
        }
        catch (Exception ex)
        {
            Abort(IsOpen ? "read failed: " + ex.Message : CloseReason ?? "closed");
        }
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Message message)
    {
        message = null!;
        if (!MessageCodec.TryReadLength(buffer, out var length))
        {
            return false;
        }

        if (length <= 0 || length > _maxMessageSize)
        {
            throw new InvalidDataException($"frame of {length} bytes is outside 1..{_maxMessageSize} (MaxMessageSize)");
        }

        if (buffer.Length < MessageCodec.LengthPrefixSize + length)
        {
            return false;
        }

        var frame = buffer.Slice(MessageCodec.LengthPrefixSize, length);
        if (frame.IsSingleSegment)
        {
            message = MessageCodec.Read(frame.FirstSpan);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                frame.CopyTo(rented);
                message = MessageCodec.Read(rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        buffer = buffer.Slice(frame.End);
        return true;
    }

    public override string ToString() => Name;
}

/// <summary>The other side refused our handshake (wrong ClusterId, version, ...).</summary>
internal sealed class ConnectionRefusedException(string message) : Exception(message);
