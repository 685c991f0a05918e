using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansDist.LineServer.Logging;
using OrleansDist.LineServer.Protocol;
using OrleansDist.LineServer.Sessions;
using OrleansDist.LineServer.Telemetry;

namespace OrleansDist.LineServer.Connections;

/// <summary>
/// Serves one accepted TCP connection: a pump moves socket bytes into a pipe while the command loop reads lines from it,
/// one request at a time. Every failure stays inside this connection.
/// </summary>
internal sealed class ClientConnection
{
    /// <summary>Bytes buffered ahead of the command loop before the socket is left unread: well above one maximal line.</summary>
    private const int PauseReadingAt = 4 * LineServerOptions.MaxRequestLineLength;

    /// <summary>How long a refused connection is drained before closing, so its error line is not destroyed by a reset.</summary>
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(1);

    private readonly ServerContext _server;
    private readonly Socket _socket;
    private readonly long _id;
    private readonly EndPoint? _remoteEndPoint;
    private readonly IPAddress _address;
    private long _connectionStartMs;
    private long _linesSent;

    public ClientConnection(ServerContext server, Socket socket, long id)
    {
        _server = server;
        _socket = socket;
        _id = id;
        _remoteEndPoint = socket.RemoteEndPoint;
        _address = SessionRegistry.Normalize((_remoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None);
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        var stream = new NetworkStream(_socket, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                // Replies are whole when written; Nagle would only delay them (and Split mode wants every byte on its own).
                _socket.NoDelay = true;
                var options = _server.Options;
                var writer = ReplyWriter.Create(options.ReplyWrites, stream, _server.Counters, _server.Time, options.CoalesceWindow, lifetime.Token);
                var session = _server.Sessions.GetOrCreate(_address);
                LineServerMetrics.Connected();
                if (!session.TryOpenConnection(options.MaxConnectionsPerIp))
                {
                    LineServerMetrics.ConnectionRefused();
                    LineServerLog.TooManyConnections(_server.Logger, _id, _address, options.MaxConnectionsPerIp);
                    await RefuseAsync(stream, writer, lifetime.Token).ConfigureAwait(false);
                    return;
                }

                string reason;
                try
                {
                    _connectionStartMs = _server.NowMs;
                    LineServerLog.Connected(_server.Logger, _id, _remoteEndPoint, session.Snapshot().OpenConnections);
                    reason = await ServeAsync(session, stream, writer, lifetime).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (serverStopping.IsCancellationRequested)
                {
                    reason = "server stopping";
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    reason = "connection broke: " + ex.Message;
                }
                finally
                {
                    session.CloseConnection();
                }

                LineServerLog.Disconnected(_server.Logger, _id, _remoteEndPoint, reason, _linesSent);
            }
            catch (Exception ex) when (!serverStopping.IsCancellationRequested)
            {
                // A bug here must cost only this connection, never the server.
                LineServerLog.ConnectionFailed(_server.Logger, _id, _remoteEndPoint, ex);
            }
            catch (Exception)
            {
                // The server is stopping: whatever broke is being torn down anyway.
            }
        }
    }

    private async Task<string> ServeAsync(ClientSession session, NetworkStream stream, ReplyWriter writer, CancellationTokenSource lifetime)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseReadingAt, resumeWriterThreshold: PauseReadingAt / 2, useSynchronizationContext: false));
        var pump = PumpAsync(stream, pipe.Writer, lifetime.Token);
        try
        {
            var reason = await ServeCommandsAsync(session, new LineReader(pipe.Reader, _server.Time), writer, lifetime.Token).ConfigureAwait(false);
            await writer.FlushAsync(lifetime.Token).ConfigureAwait(false);
            return reason;
        }
        finally
        {
            await lifetime.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The command loop; returns why the connection ends.</summary>
    private async Task<string> ServeCommandsAsync(ClientSession session, LineReader reader, ReplyWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadLineAsync(idleTimeout: null, cancellationToken).ConfigureAwait(false);
            switch (read.Status)
            {
                case LineReadStatus.EndOfStream:
                    return "closed by the client";
                case LineReadStatus.TooLong:
                    LineServerLog.LineTooLong(_server.Logger, _id, _address, LineServerOptions.MaxRequestLineLength);
                    return "request line too long";
            }

            switch (read.Line)
            {
                case Commands.SendLine:
                    await SendLineAsync(session, writer, cancellationToken).ConfigureAwait(false);
                    break;
                case Commands.Submit:
                    if (await ReceiveSubmissionAsync(session, reader, writer, cancellationToken).ConfigureAwait(false) is { } closeReason)
                    {
                        return closeReason;
                    }

                    break;
                case Commands.SessionReset:
                    session.Reset(_server.NowMs);
                    LineServerLog.SessionReset(_server.Logger, _address);
                    await writer.WriteAsync(Replies.SessionResetOk, cancellationToken).ConfigureAwait(false);
                    break;
                case Commands.SendIncorrectLines:
                    await writer.WriteAsync(Replies.IncorrectLines(session.LatestIncorrectLines), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    LineServerLog.UnknownCommand(_server.Logger, _id, _address, read.Line.Length > 100 ? read.Line[..100] + "..." : read.Line);
                    await writer.WriteAsync(Replies.UnknownCommand, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async ValueTask SendLineAsync(ClientSession session, ReplyWriter writer, CancellationToken cancellationToken)
    {
        var grant = session.TakeLine(_server.FileLines.Count, _server.Options.FaultRate, _server.Options.Faults);
        LineServerMetrics.SendLine(grant.Granted);
        if (!grant.Granted)
        {
            await writer.WriteAsync(Replies.OverRateLimit, cancellationToken).ConfigureAwait(false);
            return;
        }

        _linesSent++;
        var reply = Replies.Line(grant.LineNumber, _server.FileLineBytes[grant.LineNumber], grant.Fault);
        await writer.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads and scores one SUBMIT after its command line. Returns a reason when the connection must close (it broke, or
    /// sent an overlong line), null to go on reading commands.
    /// </summary>
    private async Task<string?> ReceiveSubmissionAsync(ClientSession session, LineReader reader, ReplyWriter writer, CancellationToken cancellationToken)
    {
        var timeout = _server.Options.SubmitReadTimeout;
        var grader = new SubmissionGrader(_server.FileLines);

        var entryRead = await reader.ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (!entryRead.IsLine)
        {
            return await FailAsync(session, writer, "", SubmitFailure.ReadingError, grader, entryRead.Status, cancellationToken).ConfigureAwait(false);
        }

        var entry = entryRead.Line;
        var countRead = await reader.ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (!countRead.IsLine)
        {
            return await FailAsync(session, writer, entry, SubmitFailure.ReadingError, grader, countRead.Status, cancellationToken).ConfigureAwait(false);
        }

        // With no usable count the server cannot know where the submission ends: what follows is read as commands.
        if (!long.TryParse(countRead.Line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 0)
        {
            return await FailAsync(session, writer, entry, SubmitFailure.LinesToReadParsingError, grader, LineReadStatus.Line, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0L; i < count; i++)
        {
            var numberRead = await reader.ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!numberRead.IsLine)
            {
                return await FailAsync(session, writer, entry, SubmitFailure.ReadingError, grader, numberRead.Status, cancellationToken).ConfigureAwait(false);
            }

            var textRead = await reader.ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!textRead.IsLine)
            {
                return await FailAsync(session, writer, entry, SubmitFailure.ReadingError, grader, textRead.Status, cancellationToken).ConfigureAwait(false);
            }

            if (!long.TryParse(numberRead.Line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                // The declared count still tells where the submission ends: skip the rest so it is not taken for commands.
                var status = await DiscardPairsAsync(reader, count - i - 1, timeout, cancellationToken).ConfigureAwait(false);
                return await FailAsync(session, writer, entry, SubmitFailure.LineNumberParsingError, grader, status, cancellationToken).ConfigureAwait(false);
            }

            grader.Add(number, textRead.Line);
        }

        var record = BuildRecord(session, entry, success: true, reply: "", grader);
        record = record with { Reply = Replies.SubmitSuccessText(record, _server.FileLines.Count) };
        _server.RecordSubmission(record, session, grader.IncorrectLineNumbers);
        await writer.WriteAsync(Encoding.UTF8.GetBytes(record.Reply + "\n"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static async Task<LineReadStatus> DiscardPairsAsync(LineReader reader, long pairs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var i = 0L; i < pairs * 2; i++)
        {
            var read = await reader.ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!read.IsLine)
            {
                return read.Status;
            }
        }

        return LineReadStatus.Line;
    }

    /// <summary>
    /// Records and answers a failed SUBMIT. <paramref name="readStatus"/> is how the last read ended: if the stream ended or
    /// a line was too long, the connection closes after the reply (which a half-closed client can still read).
    /// </summary>
    private async Task<string?> FailAsync(ClientSession session, ReplyWriter writer, string entry, string reason, SubmissionGrader grader, LineReadStatus readStatus, CancellationToken cancellationToken)
    {
        var reply = Replies.SubmitFailedText(entry, reason);
        var record = BuildRecord(session, entry, success: false, reply, grader) with { FailureReason = reason };
        _server.RecordSubmission(record, session, grader.IncorrectLineNumbers);

        var closeReason = readStatus switch
        {
            LineReadStatus.EndOfStream => "closed by the client during a SUBMIT",
            LineReadStatus.TooLong => "request line too long (during a SUBMIT)",
            _ => null,
        };
        if (readStatus == LineReadStatus.TooLong)
        {
            LineServerLog.LineTooLong(_server.Logger, _id, _address, LineServerOptions.MaxRequestLineLength);
        }

        try
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (closeReason is not null && ex is IOException or SocketException)
        {
            // The client is gone; the failure is recorded and logged all the same.
        }

        return closeReason;
    }

    private SubmitRecord BuildRecord(ClientSession session, string entry, bool success, string reply, SubmissionGrader grader)
    {
        var (linesSentSession, sessionStartMs) = session.ReadForSubmission();
        return new SubmitRecord(
            entry, _address, success, reply, grader.Correct, grader.Incorrect, grader.LinesRead,
            linesSentSession, _linesSent, sessionStartMs, _connectionStartMs, _server.NowMs);
    }

    /// <summary>Moves bytes from the socket into the pipe until the client closes, the connection breaks or it is cancelled.</summary>
    private static async Task PumpAsync(NetworkStream stream, PipeWriter pipe, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var memory = pipe.GetMemory(4096);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                pipe.Advance(read);
                var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception)
        {
            // A reset or a cancellation: for the command loop the stream simply ends here.
        }

        await pipe.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the refusal, then reads and drops whatever the client already sent for a moment before closing: closing a socket
    /// with unread input makes the kernel send a reset, which could destroy the error line before the client reads it.
    /// </summary>
    private async Task RefuseAsync(NetworkStream stream, ReplyWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(Replies.TooManyConnections(_address), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The refused client did not wait for the answer.
            return;
        }

        // Real time on purpose: this guards a kernel behaviour, not protocol timing a test would want to drive.
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linger.CancelAfter(RefusalLinger);
        var scratch = new byte[4096];
        try
        {
            while (await stream.ReadAsync(scratch, linger.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // lingered long enough, or the client reset first
        }
    }
}
