using System.Globalization;

namespace OrleansDist.Client.Servers;

/// <summary>
/// A worker process must not outlive its server: if the parent dies (even by SIGKILL) the workers would keep the port.
/// Linux re-parents an orphan, so the worker exits once its parent pid changes.
/// </summary>
internal static class ParentWatch
{
    public static void ExitWhenOrphaned(int parentPid)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                if (ReadParentPid() != parentPid)
                {
                    Environment.Exit(Program.ExitFailed);
                }

                Thread.Sleep(500);
            }
        }) { IsBackground = true, Name = "parent watch" };
        thread.Start();
    }

    /// <summary>Field 4 of /proc/self/stat (after the command name in parentheses).</summary>
    private static int ReadParentPid()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
