namespace OrleansDist.Placement;

/// <summary>
/// Pins the grains first activated by calls made inside the scope to a named silo, whatever their placement attribute.
/// It only affects where a grain is created; a grain that is already active stays where it is.
/// </summary>
/// <example><code>using (PlacementHint.PinToSilo("machine-b")) await peer.AddFile(name);</code></example>
public static class PlacementHint
{
    private static readonly AsyncLocal<string?> s_siloName = new();

    public static string? CurrentSiloName => s_siloName.Value;

    public static IDisposable PinToSilo(string siloName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siloName);
        var previous = s_siloName.Value;
        s_siloName.Value = siloName;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => s_siloName.Value = previous;
    }
}
