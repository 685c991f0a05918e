using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// The CPU time the calling thread has used (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>). A CPU task burns
/// until its thread has used the task's duration of CPU time, so a design cannot finish more CPU work than the cores do:
/// a burn timed by the wall clock would "finish" N tasks in T on N threads even when two cores did a fraction of it.
/// </summary>
public static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>False where the call is missing (then <see cref="Now"/> falls back to the process's CPU time per thread count: never used on Linux).</summary>
    public static bool IsSupported { get; } = Probe();

    public static TimeSpan Now()
    {
        if (IsSupported && ClockGetTime(ClockThreadCpuTimeId, out var spec) == 0)
        {
            return TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100));
        }

        return Process.GetCurrentProcess().TotalProcessorTime;
    }

    private static bool Probe()
    {
        try
        {
            return OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec spec);
}
