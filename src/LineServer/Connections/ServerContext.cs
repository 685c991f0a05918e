using Microsoft.Extensions.Logging;
using OrleansDist.LineServer.Sessions;

namespace OrleansDist.LineServer.Connections;

/// <summary>What every connection of one server shares.</summary>
internal sealed class ServerContext
{
    public required LineServerOptions Options { get; init; }

    public required IReadOnlyList<string> FileLines { get; init; }

    /// <summary>The lines already UTF-8 encoded: SENDLINE is the hot path.</summary>
    public required byte[][] FileLineBytes { get; init; }

    public required SessionRegistry Sessions { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    public required ServerCounters Counters { get; init; }

    /// <summary>Stores a finished SUBMIT (success or failure) before its reply is written.</summary>
    public required Action<SubmitRecord, ClientSession, IReadOnlyList<long>> RecordSubmission { get; init; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
