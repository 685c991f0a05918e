namespace OrleansDist.Grains.LineDownload;

/// <summary>
/// Holds each received line back until the next reply on the same connection parses cleanly. A reply that lost its
/// final newline swallows the start of the next one into its text; the damage only shows when the reply after it does
/// not parse. Releasing a line one reply late means such a line is dropped with the connection instead of corrupting the file.
/// </summary>
public sealed class ConfirmedLines
{
    private SendLineReply? _held;

    /// <summary>Takes a well-formed reply; returns the line it confirms (the one held before), if any.</summary>
    public SendLineReply? Accept(SendLineReply reply)
    {
        var confirmed = _held;
        _held = reply.IsRateLimited ? null : reply;
        return confirmed;
    }

    /// <summary>The connection produced garbage: whatever is held may be part of it.</summary>
    public void Discard() => _held = null;

    /// <summary>
    /// The connection ends with every reply in flight read and well-formed (no bytes left over): the held line is sound.
    /// </summary>
    public SendLineReply? ReleaseAtCleanEnd()
    {
        var held = _held;
        _held = null;
        return held;
    }
}
