using System.Diagnostics;
using Dist.GrainInterfaces.Servers;
using OrleansDist.Grains.Servers;

namespace OrleansDist.Grains.Tests.Servers;

public sealed class TaskWorkTests
{
    [Fact]
    public void ACpuTask_UsesItsDurationOfTheThreadsCpuTime()
    {
        Assert.True(ThreadCpuTime.IsSupported, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) is missing");
        var cpuBefore = ThreadCpuTime.Now();
        var wall = Stopwatch.StartNew();

        TaskWork.Run(ServerWorkKind.Cpu, TimeSpan.FromMilliseconds(150), CancellationToken.None);

        var used = ThreadCpuTime.Now() - cpuBefore;
        Assert.InRange(used.TotalMilliseconds, 150, 400);
        // CPU time never runs faster than the wall clock
        Assert.True(wall.Elapsed >= used - TimeSpan.FromMilliseconds(5), $"wall {wall.Elapsed}, cpu {used}");
    }

    [Fact]
    public async Task AnIoTask_WaitsOnTheInjectedClock_WithoutTheCpu()
    {
        var time = new ManualTimeProvider();
        var cpuBefore = ThreadCpuTime.Now();

        var task = TaskWork.RunAsync(ServerWorkKind.Io, TimeSpan.FromSeconds(3), time, CancellationToken.None);
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3));
        await task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(ThreadCpuTime.Now() - cpuBefore < TimeSpan.FromMilliseconds(100));
    }

    /// <summary>A clock that moves only when told (enough for Task.Delay).</summary>
    private sealed class ManualTimeProvider : TimeProvider
    {
        private readonly List<(DateTimeOffset Due, TimerCallback Callback, object? State)> _timers = [];
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _timers.Add((_now + dueTime, callback, state));
            return new NoTimer();
        }

        public void Advance(TimeSpan by)
        {
            _now += by;
            foreach (var timer in _timers.Where(t => t.Due <= _now).ToList())
            {
                _timers.Remove(timer);
                timer.Callback(timer.State);
            }
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
