using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace OrleansDist.Client;

/// <summary>Renders the membership table: a console table for people, JSON for scripts.</summary>
internal static class ClusterStatus
{
    public static IReadOnlyList<MembershipEntry> Order(MembershipTableData data) =>
        [.. data.Members.Select(m => m.Item1).OrderBy(e => e.Status == SiloStatus.Dead ? 1 : 0).ThenBy(e => e.StartTime).ThenBy(e => e.SiloAddress.ToString(), StringComparer.Ordinal)];

    public static void WriteTable(MembershipTableData data, CommonOptions.Settings settings, DateTimeOffset now, TextWriter output)
    {
        var plain = Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        var entries = Order(data);
        var active = entries.Count(e => e.Status == SiloStatus.Active);
        var dead = entries.Count(e => e.Status == SiloStatus.Dead);
        console.WriteLine(
            $"Cluster '{settings.ClusterId}' in {settings.MembershipDescription}: {entries.Count} silos ({active} active, {dead} dead), table version {data.Version.Version}");
        if (entries.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Silo");
        table.AddColumn("Address");
        table.AddColumn("Status");
        table.AddColumn(new TableColumn("Gateway").RightAligned());
        table.AddColumn("Host");
        table.AddColumn("Started (UTC)");
        table.AddColumn(new TableColumn("IAmAlive age (s)").RightAligned());
        table.AddColumn(new TableColumn("Suspicions").RightAligned());
        foreach (var entry in entries)
        {
            table.AddRow(
                Markup.Escape(entry.SiloName),
                Markup.Escape(entry.SiloAddress.ToParsableString()),
                StatusMarkup(entry.Status),
                entry.ProxyPort > 0 ? entry.ProxyPort.ToString(CultureInfo.InvariantCulture) : "-",
                Markup.Escape(entry.HostName),
                entry.StartTime.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                AgeSeconds(entry, now).ToString("0.0", CultureInfo.InvariantCulture),
                (entry.SuspectTimes?.Count ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    public static void WriteJson(MembershipTableData data, CommonOptions.Settings settings, DateTimeOffset now, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("clusterId", settings.ClusterId);
        json.WriteString("membership", settings.MembershipDescription);
        json.WriteNumber("tableVersion", data.Version.Version);
        json.WriteString("readAt", now);
        json.WriteStartArray("silos");
        foreach (var entry in Order(data))
        {
            json.WriteStartObject();
            json.WriteString("name", entry.SiloName);
            json.WriteString("address", entry.SiloAddress.ToParsableString());
            json.WriteString("ip", entry.SiloAddress.Endpoint.Address.ToString());
            json.WriteNumber("port", entry.SiloAddress.Endpoint.Port);
            json.WriteNumber("generation", entry.SiloAddress.Generation);
            json.WriteString("status", entry.Status.ToString());
            json.WriteNumber("gatewayPort", entry.ProxyPort);
            json.WriteString("hostName", entry.HostName);
            json.WriteString("startTime", new DateTimeOffset(entry.StartTime.ToUniversalTime(), TimeSpan.Zero));
            json.WriteString("iAmAliveTime", new DateTimeOffset(entry.IAmAliveTime.ToUniversalTime(), TimeSpan.Zero));
            json.WriteNumber("iAmAliveAgeSeconds", Math.Round(AgeSeconds(entry, now), 1));
            json.WriteNumber("suspicionCount", (entry.SuspectTimes?.Count ?? 0));
            json.WriteStartArray("suspicions");
            foreach (var vote in entry.SuspectTimes ?? [])
            {
                json.WriteStartObject();
                json.WriteString("by", vote.Item1.ToParsableString());
                json.WriteString("time", new DateTimeOffset(vote.Item2.ToUniversalTime(), TimeSpan.Zero));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static double AgeSeconds(MembershipEntry entry, DateTimeOffset now) => Math.Max(0, (now.UtcDateTime - entry.IAmAliveTime.ToUniversalTime()).TotalSeconds);

    private static string StatusMarkup(SiloStatus status) => status switch
    {
        SiloStatus.Active => "[green]Active[/]",
        SiloStatus.Dead => "[red]Dead[/]",
        SiloStatus.Joining or SiloStatus.Created => $"[yellow]{status}[/]",
        _ => $"[yellow]{status}[/]",
    };
}
