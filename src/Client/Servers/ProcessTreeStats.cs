using System.Globalization;

namespace OrleansDist.Client.Servers;

/// <summary>
/// CPU time, memory, threads and processes of a process and all its descendants, read from /proc (Linux): how much a
/// design really used. CPU counts the children already reaped too (cutime/cstime), as the Python forking server's are.
/// </summary>
internal readonly record struct ProcessTreeStats(double CpuSeconds, long RssBytes, int Threads, int Processes)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessTreeStats Empty { get; } = new(0, 0, 0, 0);

    public static ProcessTreeStats Read(int rootPid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Empty;
        }

        var stats = new Dictionary<int, (int Parent, double Cpu, long Rss, int Threads)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                // fields[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17, num_threads 20, rss 24
                var ticks = Field(fields, 14) + Field(fields, 15) + Field(fields, 16) + Field(fields, 17);
                stats[pid] = ((int)Field(fields, 4), ticks / ClockTicksPerSecond, Field(fields, 24) * Environment.SystemPageSize, (int)Field(fields, 20));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the process ended while we looked
            }
        }

        if (!stats.ContainsKey(rootPid))
        {
            return Empty;
        }

        var children = stats.GroupBy(s => s.Value.Parent).ToDictionary(g => g.Key, g => g.Select(s => s.Key).ToList());
        double cpu = 0;
        long rss = 0;
        int threads = 0, processes = 0;
        var pending = new Stack<int>([rootPid]);
        while (pending.TryPop(out var pid))
        {
            var s = stats[pid];
            cpu += s.Cpu;
            rss += s.Rss;
            threads += s.Threads;
            processes++;
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                pending.Push(child);
            }
        }

        return new ProcessTreeStats(cpu, rss, threads, processes);
    }

    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
}
