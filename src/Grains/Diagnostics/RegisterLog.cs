using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Diagnostics;

internal static partial class RegisterLog
{
    /// <summary>Rare and telling (e.g. a client's timed-out write landing late): worth a line in the silo's log.</summary>
    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Register {Key}: refused write '{Value}' expecting version {Expected}; it holds version {Version}")]
    public static partial void Refused(ILogger logger, long key, string value, long expected, long version);
}
