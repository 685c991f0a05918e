using System.Text;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// Cuts a TCP byte stream into lines, whatever the reads deliver (split or coalesced), holding at most
/// <see cref="MaxLineBytes"/> bytes of an unfinished line: a longer line is reported once as
/// <see cref="FramedLineKind.TooLong"/> and its bytes are dropped up to the next newline, so a client sending a huge
/// line costs the server no memory. The buffer starts small and grows only as far as a line needs (10,000 idle
/// connections must not hold 64 KiB each).
/// </summary>
public sealed class LineFramer
{
    public const int DefaultMaxLineBytes = 64 * 1024;
    private const int InitialBufferBytes = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer;
    private int _length;
    private bool _discarding;

    public LineFramer(int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        MaxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(InitialBufferBytes, maxLineBytes)];
    }

    /// <summary>The longest line accepted, in bytes, not counting the line end.</summary>
    public int MaxLineBytes { get; }

    /// <summary>Bytes of an unfinished line held now (for tests: never above <see cref="MaxLineBytes"/>).</summary>
    public int BufferedBytes => _length;

    /// <summary>Feeds received bytes; appends every line (or problem) they complete to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<FramedLine> output)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var chunk = newline < 0 ? data : data[..newline];
            if (_discarding)
            {
                if (newline >= 0)
                {
                    _discarding = false;
                }
            }
            else if (_length + chunk.Length > MaxLineBytes + 1)
            {
                // +1: a line of exactly MaxLineBytes may still carry its '\r'
                output.Add(FramedLine.TooLong);
                _length = 0;
                _discarding = newline < 0;
            }
            else
            {
                Append(chunk);
                if (newline >= 0)
                {
                    output.Add(Complete());
                }
            }

            data = newline < 0 ? default : data[(newline + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_length + chunk.Length > _buffer.Length)
        {
            var grown = new byte[Math.Min(Math.Max(_buffer.Length * 2, _length + chunk.Length), MaxLineBytes + 1)];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        chunk.CopyTo(_buffer.AsSpan(_length));
        _length += chunk.Length;
    }

    private FramedLine Complete()
    {
        var line = _buffer.AsSpan(0, _length);
        _length = 0;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        try
        {
            if (line.Length > MaxLineBytes)
            {
                return FramedLine.TooLong;
            }

            return new FramedLine(FramedLineKind.Line, StrictUtf8.GetString(line));
        }
        catch (DecoderFallbackException)
        {
            return FramedLine.NotUtf8;
        }
        finally
        {
            if (_buffer.Length > InitialBufferBytes * 4)
            {
                // a long line was served: give the memory back rather than keep it for the connection's life
                _buffer = new byte[InitialBufferBytes];
            }
        }
    }
}
