using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDist.LineServer.Connections;
using OrleansDist.LineServer.Content;
using OrleansDist.LineServer.Logging;
using OrleansDist.LineServer.Sessions;
using OrleansDist.LineServer.Telemetry;

namespace OrleansDist.LineServer;

/// <summary>
/// An emulator of the course line server (see shared/protocols/line-server.md): a TCP server that hands out random lines
/// of a file, rate-limited per client IP, and scores submissions of the whole file. Usable in-process (tests, embedded
/// servers) and by the <c>OrleansDist.LineServer</c> executable.
/// </summary>
public sealed class LineServerHost : IAsyncDisposable
{
    private const int ListenBacklog = 512;

    private readonly LineServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string[] _fileLines;
    private readonly SessionRegistry _sessions;
    private readonly ServerCounters _counters = new();
    private readonly ServerContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly object _gate = new();
    private readonly List<SubmitRecord> _submissions = [];
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private IPEndPoint? _endPoint;
    private long _nextConnectionId;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Validates the options and prepares the file (generated, or read from <see cref="LineServerOptions.FilePath"/>).</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is empty.</exception>
    public LineServerHost(LineServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LineServerHost>();
        _fileLines = _options.FilePath is { } path
            ? LineFile.Load(path)
            : LineFile.Generate(_options.Lines, _options.Seed ?? Random.Shared.Next());
        _sessions = new SessionRegistry(_options, _time);
        _context = new ServerContext
        {
            Options = _options,
            FileLines = _fileLines,
            FileLineBytes = [.. _fileLines.Select(Encoding.UTF8.GetBytes)],
            Sessions = _sessions,
            Time = _time,
            Logger = _logger,
            Counters = _counters,
            RecordSubmission = RecordSubmission,
        };
    }

    /// <summary>Raised for every SUBMIT (success or failure), on the connection's thread, before its reply is written.</summary>
    public event Action<SubmitRecord>? Submitted;

    /// <summary>The endpoint actually bound (with the real port when <see cref="LineServerOptions.Port"/> is 0).</summary>
    public IPEndPoint EndPoint => _endPoint ?? throw new InvalidOperationException("The line server has not been started.");

    /// <summary>The file being served: line i is line number i.</summary>
    public IReadOnlyList<string> FileLines => _fileLines;

    /// <summary>A copy of the options in force.</summary>
    public LineServerOptions Options => _options.Clone();

    /// <summary>Every SUBMIT so far, successful or not, in the order they finished.</summary>
    public IReadOnlyList<SubmitRecord> Submissions
    {
        get
        {
            lock (_gate)
            {
                return [.. _submissions];
            }
        }
    }

    /// <summary>Socket writes issued for replies so far (how the reply write mode really behaved).</summary>
    internal long SocketWrites => _counters.SocketWrites;

    /// <summary>Binds and starts accepting connections.</summary>
    /// <exception cref="LineServerBindException">The endpoint cannot be bound (e.g. the port is in use).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("A line server can be started only once.");
        }

        var address = IPAddress.Parse(_options.BindAddress);
        var requested = new IPEndPoint(address, _options.Port);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                // "::" also serves IPv4 clients; their sessions are keyed by their IPv4 address (see SessionRegistry.Normalize).
                listener.DualMode = true;
            }

            listener.Bind(requested);
            listener.Listen(ListenBacklog);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            Volatile.Write(ref _state, 2);
            throw new LineServerBindException(requested, ex);
        }

        _listener = listener;
        _endPoint = (IPEndPoint)listener.LocalEndPoint!;
        LineServerLog.Listening(_logger, _endPoint, _fileLines.Length, _options.Rate, _options.EffectiveBurst, _options.MaxConnectionsPerIp, _options.ReplyWrites, _options.FaultRate);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>The session of a client IP (counters, start time, open connections), or null if it never connected.</summary>
    public SessionSnapshot? GetSession(IPAddress clientAddress)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        return _sessions.Find(clientAddress)?.Snapshot();
    }

    /// <summary>Every session, oldest first.</summary>
    public IReadOnlyList<SessionSnapshot> GetSessions() => [.. _sessions.All.Select(s => s.Snapshot())];

    /// <summary>Stops accepting, closes every connection and waits for their handlers to finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var previous = Interlocked.Exchange(ref _state, 2);
        if (previous != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        LineServerLog.Stopped(_logger, _endPoint!);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // E.g. out of file descriptors: the clients already connected keep being served; try again shortly.
                LineServerLog.AcceptFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new ClientConnection(_context, socket, id);

            // Registered before it starts, so a connection that ends at once cannot be removed before it was added.
            var starter = new Task<Task>(() => connection.RunAsync(stopping), CancellationToken.None);
            var run = starter.Unwrap();
            _connections[id] = run;
            _ = run.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            starter.Start(TaskScheduler.Default);
        }
    }

    private void RecordSubmission(SubmitRecord record, ClientSession session, IReadOnlyList<long> incorrectLines)
    {
        session.RecordSubmission(record, incorrectLines);
        LineServerMetrics.Submitted(record.Success);
        lock (_gate)
        {
            _submissions.Add(record);
        }

        if (record.Success)
        {
            LineServerLog.SubmitSucceeded(_logger, record.Entry, record.ClientAddress, record.Correct, record.Incorrect, record.LinesRead, record.ScoreMs, record.LinesSentSession);
        }
        else
        {
            LineServerLog.SubmitFailed(_logger, record.Entry, record.ClientAddress, record.FailureReason ?? record.Reply, record.Correct, record.Incorrect, record.LinesRead, record.ScoreMs);
        }

        try
        {
            Submitted?.Invoke(record);
        }
        catch (Exception ex)
        {
            LineServerLog.SubmittedHandlerFailed(_logger, ex);
        }
    }
}
