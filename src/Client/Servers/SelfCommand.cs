using System.Diagnostics;

namespace OrleansDist.Client.Servers;

/// <summary>How to start this program again as a child (<c>dotnet OrleansDist.Client.dll ...</c> or the apphost).</summary>
internal static class SelfCommand
{
    public static ProcessStartInfo Create(IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SelfCommand).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // the children's spans are not this experiment's; they must not write into a trace file given to the parent
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        return info;
    }
}
