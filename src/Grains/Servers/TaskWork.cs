using Dist.GrainInterfaces.Servers;

namespace OrleansDist.Grains.Servers;

/// <summary>The work a task stands for: waiting (io) or burning the CPU (cpu) for its duration.</summary>
public static class TaskWork
{
    /// <summary>For async designs: io awaits a timer of <paramref name="time"/>; cpu burns on the calling thread.</summary>
    public static Task RunAsync(ServerWorkKind work, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        if (work == ServerWorkKind.Cpu)
        {
            Burn(duration, cancellationToken);
            return Task.CompletedTask;
        }

        return duration <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(duration, time, cancellationToken);
    }

    /// <summary>For blocking designs (a thread or a process per connection): io sleeps the thread; cpu burns it.</summary>
    public static void Run(ServerWorkKind work, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (work == ServerWorkKind.Cpu)
        {
            Burn(duration, cancellationToken);
        }
        else if (duration > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(duration);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Computes until this thread has used <paramref name="cpuTime"/> of CPU time; returns a value so the loop is not optimised away.</summary>
    public static ulong Burn(TimeSpan cpuTime, CancellationToken cancellationToken = default)
    {
        var until = ThreadCpuTime.Now() + cpuTime;
        ulong x = 0x9E3779B97F4A7C15;
        while (true)
        {
            for (var i = 0; i < 20_000; i++)
            {
                // xorshift: cheap, cannot be folded away
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
            }

            if (ThreadCpuTime.Now() >= until)
            {
                return x;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
