using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansDist.AdoNet.Tests.Support;

/// <summary>Keeps every formatted message, for tests that check what was logged.</summary>
internal sealed class ListLogger : ILogger, ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    public IEnumerable<string> Messages(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception)));

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
