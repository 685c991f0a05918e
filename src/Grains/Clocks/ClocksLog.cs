using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Clocks;

internal static partial class ClocksLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Clock {Clock} on {Silo}: activation {Activation}, offset {OffsetMs} ms (from persisted state: {Restored})")]
    public static partial void Activated(ILogger logger, string clock, string silo, int activation, double offsetMs, bool restored);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Berkeley {System}: round {Round}: average {AverageMs} ms from the master, excluded [{Excluded}], {Answered}/{Clocks} clocks answered")]
    public static partial void Round(ILogger logger, string system, int round, double averageMs, string excluded, int answered, int clocks);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Berkeley {System}: round {Round}: clock {Clock} did not answer ({Error}); left out of this round")]
    public static partial void PollFailed(ILogger logger, string system, int round, string clock, string error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Berkeley {System}: round {Round}: could not correct {Clock}: {Error}")]
    public static partial void CorrectionFailed(ILogger logger, string system, int round, string clock, string error);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Berkeley {System}: external clocks stopped answering ({Error}); dropped until they subscribe again")]
    public static partial void ExternalDropped(ILogger logger, string system, string error);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Berkeley {System}: {Clocks} clocks, period {PeriodMs} ms, threshold {ThresholdMs} ms, {Rounds} rounds; placement {Placement}")]
    public static partial void Started(ILogger logger, string system, int clocks, int periodMs, double thresholdMs, int rounds, string placement);
}
