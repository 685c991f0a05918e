namespace OrleansDist.Hosting;

/// <summary>A parsed <c>--membership</c> or <c>--storage</c> value: its scheme and its path or connection string.</summary>
/// <param name="Scheme">sqlite, postgres, localhost or memory (see <c>MembershipUri</c> and <c>StorageUri</c>).</param>
/// <param name="Value">The path or connection string; empty for localhost and memory.</param>
public readonly record struct ProviderSpec(string Scheme, string Value)
{
    public bool IsDatabase => Scheme is "sqlite" or "postgres";

    public static implicit operator ProviderSpec((string Scheme, string Value) parsed) => new(parsed.Scheme, parsed.Value);
}
