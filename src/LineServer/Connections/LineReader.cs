using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace OrleansDist.LineServer.Connections;

/// <summary>
/// Reads \n-terminated lines (a trailing \r is dropped) from a pipe fed by the socket, however the bytes were split into
/// TCP segments. Bounded: a line longer than <see cref="LineServerOptions.MaxRequestLineLength"/> is reported as soon as
/// that many bytes are buffered, without waiting for its end.
/// </summary>
internal sealed class LineReader
{
    private const int MaxLine = LineServerOptions.MaxRequestLineLength;

    private readonly PipeReader _reader;
    private readonly TimeProvider _time;

    public LineReader(PipeReader reader, TimeProvider time)
    {
        _reader = reader;
        _time = time;
    }

    /// <summary>The next line; with <paramref name="idleTimeout"/>, <see cref="LineReadStatus.TimedOut"/> if none completes in time.</summary>
    public async ValueTask<LineReadResult> ReadLineAsync(TimeSpan? idleTimeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();

        // CancelPendingRead leaves the pipe usable, unlike cancelling the token, so a timed-out SUBMIT can go back to
        // reading commands on the same connection.
        using var timer = idleTimeout is { } timeout
            ? _time.CreateTimer(static state => ((PipeReader)state!).CancelPendingRead(), _reader, timeout, Timeout.InfiniteTimeSpan)
            : null;

        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryTakeLine(ref buffer, out var line, out var tooLong))
            {
                _reader.AdvanceTo(buffer.Start);
                return new LineReadResult(LineReadStatus.Line, line);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (tooLong)
            {
                return LineReadResult.TooLong;
            }

            if (result.IsCompleted)
            {
                return LineReadResult.EndOfStream;
            }

            // A cancellation can be left over from an earlier read's timer that fired just as its line arrived, so only
            // a timeout that has really elapsed counts.
            if (result.IsCanceled && idleTimeout is { } limit && _time.GetElapsedTime(started) >= limit)
            {
                return LineReadResult.TimedOut;
            }
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out string line, out bool tooLong)
    {
        line = "";
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> content, (byte)'\n'))
        {
            // MaxLine content bytes plus a possible \r may still end well; anything beyond cannot.
            tooLong = buffer.Length > MaxLine + 1;
            return false;
        }

        if (content.Length > 0 && EndsWithCarriageReturn(content))
        {
            content = content.Slice(0, content.Length - 1);
        }

        tooLong = content.Length > MaxLine;
        if (tooLong)
        {
            return false;
        }

        line = Encoding.UTF8.GetString(content);
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool EndsWithCarriageReturn(ReadOnlySequence<byte> content)
    {
        var last = content.Slice(content.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
