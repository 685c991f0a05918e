using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansDist.Grains.Tests;

/// <summary>
/// Keeps the latest log lines of every silo and client it is added to (one instance may serve several hosts; their
/// disposal leaves it usable), for failure messages: the tests write nothing to the console.
/// </summary>
internal sealed class LogTail : ILoggerProvider
{
    private const int Capacity = 200;
    private readonly Queue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public override string ToString()
    {
        lock (_lines)
        {
            return _lines.Count == 0 ? "(nothing logged)" : "latest log lines:" + Environment.NewLine + string.Join(Environment.NewLine, _lines);
        }
    }

    public void Dispose()
    {
        // shared by several hosts: each disposes its providers
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    private sealed class Logger(LogTail tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
            tail.Add($"{time} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
