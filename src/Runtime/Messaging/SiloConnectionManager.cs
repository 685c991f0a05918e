using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Messaging;

/// <summary>
/// Outgoing connections from this silo to the others, one per endpoint, opened on first use. Messages sent while a
/// connection is being made wait for it; if it cannot be made, or the endpoint now runs another generation, they are
/// reported undeliverable.
/// </summary>
internal sealed class SiloConnectionManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, Outbound> _outbound = new();
    private readonly Func<Handshake> _localHandshake;
    private readonly Func<Handshake, string?> _validate;
    private readonly Action<Connection, Message> _onMessage;
    private readonly Action<Message, SiloAddress, string> _onUndeliverable;
    private readonly MessagingOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    public SiloConnectionManager(
        Func<Handshake> localHandshake, Func<Handshake, string?> validate, Action<Connection, Message> onMessage,
        Action<Message, SiloAddress, string> onUndeliverable, MessagingOptions options, ILogger logger)
    {
        _localHandshake = localHandshake;
        _validate = validate;
        _onMessage = onMessage;
        _onUndeliverable = onUndeliverable;
        _options = options;
        _logger = logger;
    }

    /// <summary>Sends to a silo; generation 0 means "whichever process is at that endpoint".</summary>
    public void Send(SiloAddress target, Message message)
    {
        var outbound = _outbound.GetOrAdd(target.Endpoint, static (ep, self) => new Outbound(ep, self), this);
        outbound.Send(target, message);
    }

    /// <summary>Closes our connection to a silo that is gone; queued messages are reported undeliverable.</summary>
    public void Disconnect(SiloAddress silo, string reason)
    {
        if (_outbound.TryGetValue(silo.Endpoint, out var outbound) && outbound.RemoteSilo is { } remote && remote.Generation == silo.Generation)
        {
            outbound.Abort(reason);
        }
    }

    /// <summary>Drops every connection without a goodbye (simulated crash).</summary>
    public void AbortAll(string reason)
    {
        _stopping.Cancel();
        foreach (var outbound in _outbound.Values)
        {
            outbound.Abort(reason);
        }
    }

    public ValueTask DisposeAsync()
    {
        AbortAll("silo stopped");
        return ValueTask.CompletedTask;
    }

    private sealed class Outbound(IPEndPoint endpoint, SiloConnectionManager owner)
    {
        private readonly object _lock = new();
        private List<(SiloAddress Target, Message Message)>? _queued;
        private volatile Connection? _connection;
        private bool _connecting;

        public SiloAddress? RemoteSilo { get; private set; }

        public void Send(SiloAddress target, Message message)
        {
            var connection = _connection;
            if (connection is not null && connection.IsOpen)
            {
                if (!GenerationMatches(target))
                {
                    owner._onUndeliverable(message, target, $"silo {target} is gone: {RemoteSilo} now runs at {endpoint}");
                    return;
                }

                if (connection.TrySend(message))
                {
                    return;
                }
            }

            lock (_lock)
            {
                connection = _connection;
                if (connection is not null && connection.IsOpen && GenerationMatches(target) && connection.TrySend(message))
                {
                    return;
                }

                (_queued ??= []).Add((target, message));
                if (_connecting)
                {
                    return;
                }

                _connecting = true;
            }

            _ = ConnectAsync();
        }

        private bool GenerationMatches(SiloAddress target) => target.Generation == 0 || RemoteSilo is null || RemoteSilo.Generation == target.Generation;

        private async Task ConnectAsync()
        {
            Connection? connection = null;
            string? failure = null;
            try
            {
                connection = await Connection.ConnectAsync(endpoint, owner._localHandshake(), owner._validate, owner._options, owner._logger, owner._stopping.Token).ConfigureAwait(false);
                RemoteSilo = SiloAddress.TryParse(connection.Remote.Identity, out var remote) ? remote : null;
                connection.Start(owner._onMessage);
                _ = connection.Closed.ContinueWith(_ => OnClosed(connection), TaskScheduler.Default);
            }
            catch (Exception ex)
            {
                failure = ex.Message;
                MessagingLog.ConnectFailed(owner._logger, endpoint.ToString(), ex.Message);
            }

            List<(SiloAddress Target, Message Message)> queued;
            lock (_lock)
            {
                _connecting = false;
                _connection = connection;
                queued = _queued ?? [];
                _queued = null;
            }

            foreach (var (target, message) in queued)
            {
                if (connection is null)
                {
                    owner._onUndeliverable(message, target, $"cannot connect to silo {target}: {failure}");
                }
                else if (!GenerationMatches(target))
                {
                    owner._onUndeliverable(message, target, $"silo {target} is gone: {RemoteSilo} now runs at {endpoint}");
                }
                else if (!connection.TrySend(message))
                {
                    owner._onUndeliverable(message, target, $"connection to silo {target} closed: {connection.CloseReason}");
                }
            }
        }

        private void OnClosed(Connection connection)
        {
            lock (_lock)
            {
                if (ReferenceEquals(_connection, connection))
                {
                    _connection = null;
                }
            }

            var target = RemoteSilo ?? new SiloAddress(endpoint, 0);
            foreach (var message in connection.DrainUnsent())
            {
                owner._onUndeliverable(message, target, $"connection to silo {target} closed: {connection.CloseReason}");
            }
        }

        public void Abort(string reason) => _connection?.Abort(reason);
    }
}
