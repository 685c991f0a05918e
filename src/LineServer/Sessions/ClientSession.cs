using System.Net;

namespace OrleansDist.LineServer.Sessions;

/// <summary>
/// The state the server keeps for one client IP across its connections: counters, start time, rate limit, random line
/// choice and the latest submission. One lock guards it all; every operation on it is short.
/// </summary>
internal sealed class ClientSession
{
    private readonly object _gate = new();
    private readonly TokenBucket _bucket;
    private readonly Random _random;
    private long _startMs;
    private long _linesSent;
    private long _minusOneReplies;
    private long _faultyReplies;
    private int _openConnections;
    private int _submissions;
    private SubmitRecord? _latest;
    private IReadOnlyList<long> _latestIncorrect = [];

    public ClientSession(IPAddress address, long startMs, TokenBucket bucket, Random random)
    {
        Address = address;
        _startMs = startMs;
        _bucket = bucket;
        _random = random;
    }

    public IPAddress Address { get; }

    /// <summary>Counts a new connection unless the IP already has <paramref name="max"/> open.</summary>
    public bool TryOpenConnection(int max)
    {
        lock (_gate)
        {
            if (_openConnections >= max)
            {
                return false;
            }

            _openConnections++;
            return true;
        }
    }

    public void CloseConnection()
    {
        lock (_gate)
        {
            _openConnections--;
        }
    }

    /// <summary>Takes a token and picks a uniformly random line, or refuses when the bucket is empty.</summary>
    public LineGrant TakeLine(int lineCount, double faultRate, ReplyFaults faults)
    {
        lock (_gate)
        {
            if (!_bucket.TryTake())
            {
                _minusOneReplies++;
                return LineGrant.Refused;
            }

            _linesSent++;
            var number = _random.Next(lineCount);
            var fault = ReplyFaults.None;
            if (faultRate > 0 && _random.NextDouble() < faultRate)
            {
                fault = PickOne(faults);
                _faultyReplies++;
            }

            return new LineGrant(true, number, fault);
        }
    }

    /// <summary>SESSION RESET: a fresh start time and counters. The rate limit is not refilled, so a reset is no way around it.</summary>
    public void Reset(long nowMs)
    {
        lock (_gate)
        {
            _startMs = nowMs;
            _linesSent = 0;
            _minusOneReplies = 0;
            _faultyReplies = 0;
            _submissions = 0;
            _latest = null;
            _latestIncorrect = [];
        }
    }

    /// <summary>The session figures a submission reports, read together.</summary>
    public (long LinesSent, long StartMs) ReadForSubmission()
    {
        lock (_gate)
        {
            return (_linesSent, _startMs);
        }
    }

    /// <summary>Counts a submission; a successful one becomes the one that counts (the latest), failed ones do not replace it.</summary>
    public void RecordSubmission(SubmitRecord record, IReadOnlyList<long> incorrectLines)
    {
        lock (_gate)
        {
            _submissions++;
            if (record.Success)
            {
                _latest = record;
                _latestIncorrect = incorrectLines;
            }
        }
    }

    public IReadOnlyList<long> LatestIncorrectLines
    {
        get
        {
            lock (_gate)
            {
                return _latestIncorrect;
            }
        }
    }

    public SessionSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new SessionSnapshot(Address, _linesSent, _minusOneReplies, _startMs, _openConnections)
            {
                FaultyReplies = _faultyReplies,
                LatestSubmission = _latest,
                Submissions = _submissions,
            };
        }
    }

    private ReplyFaults PickOne(ReplyFaults faults)
    {
        Span<ReplyFaults> enabled = stackalloc ReplyFaults[3];
        var count = 0;
        foreach (var kind in (ReadOnlySpan<ReplyFaults>)[ReplyFaults.NotANumber, ReplyFaults.MissingNewline, ReplyFaults.Overlong])
        {
            if ((faults & kind) != 0)
            {
                enabled[count++] = kind;
            }
        }

        return count == 0 ? ReplyFaults.None : enabled[_random.Next(count)];
    }
}
