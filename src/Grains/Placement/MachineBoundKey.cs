namespace OrleansDist.Grains.Placement;

/// <summary>The string key of a machine-bound grain: <c>"&lt;silo name&gt;/&lt;local id&gt;"</c>, e.g. <c>silo2/node-7</c>.</summary>
public static class MachineBoundKey
{
    public const char Separator = '/';

    public static string Create(string machine, string local)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(machine);
        ArgumentException.ThrowIfNullOrWhiteSpace(local);
        if (machine.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"a machine (silo) name may not contain '{Separator}': '{machine}'", nameof(machine));
        }

        return machine + Separator + local;
    }

    /// <summary>Splits a key at its first '/'; false when there is no machine or no local part.</summary>
    public static bool TryParse(string key, out string machine, out string local)
    {
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at == key.Length - 1)
        {
            machine = local = "";
            return false;
        }

        machine = key[..at];
        local = key[(at + 1)..];
        return true;
    }

    public static (string Machine, string Local) Parse(string key) =>
        TryParse(key, out var machine, out var local)
            ? (machine, local)
            : throw new FormatException($"'{key}' is not a machine-bound key '<silo name>/<local id>'");
}
