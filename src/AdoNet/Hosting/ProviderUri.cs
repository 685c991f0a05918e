namespace OrleansDist.AdoNet.Hosting;

/// <summary>
/// Parses a membership spec (command line, configuration): <c>sqlite:&lt;path&gt;</c>, <c>postgres:&lt;connection string&gt;</c>
/// or <c>localhost</c>. Schemes are case-insensitive; <c>postgresql:</c> is accepted as <c>postgres:</c>.
/// </summary>
public static class MembershipUri
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string Localhost = "localhost";
    public const string ValidForms = "sqlite:<path>, postgres:<connection string>, localhost";

    /// <returns>The scheme (<see cref="Sqlite"/>, <see cref="Postgres"/> or <see cref="Localhost"/>) and its value (empty for localhost).</returns>
    /// <exception cref="ArgumentException">Unknown scheme or missing value; the message lists the valid forms.</exception>
    public static (string Scheme, string Value) Parse(string spec) => ProviderSpec.Parse(spec, "membership", ValidForms, Localhost);
}

/// <summary>
/// Parses a grain storage spec: <c>sqlite:&lt;path&gt;</c>, <c>postgres:&lt;connection string&gt;</c>, <c>memory</c> or
/// <c>localhost</c> (in-process, like memory; the caller decides).
/// </summary>
public static class StorageUri
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string Memory = "memory";
    public const string Localhost = "localhost";
    public const string ValidForms = "sqlite:<path>, postgres:<connection string>, memory, localhost";

    /// <returns>The scheme (<see cref="Sqlite"/>, <see cref="Postgres"/>, <see cref="Memory"/> or <see cref="Localhost"/>) and its value (empty for memory and localhost).</returns>
    /// <exception cref="ArgumentException">Unknown scheme or missing value; the message lists the valid forms.</exception>
    public static (string Scheme, string Value) Parse(string spec) => ProviderSpec.Parse(spec, "storage", ValidForms, Memory, Localhost);
}

internal static class ProviderSpec
{
    public static (string Scheme, string Value) Parse(string spec, string kind, string validForms, params string[] bareSchemes)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new ArgumentException($"Empty {kind} spec. Valid: {validForms}");
        }

        var text = spec.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var scheme = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var value = colon < 0 ? string.Empty : text[(colon + 1)..].Trim();
        if (scheme == "postgresql")
        {
            scheme = "postgres";
        }

        if (scheme is "sqlite" or "postgres")
        {
            if (value.Length == 0)
            {
                var what = scheme == "sqlite" ? "<path>" : "<connection string>";
                throw new ArgumentException($"The {kind} spec '{spec}' lacks its value: expected {scheme}:{what}. Valid: {validForms}");
            }

            return (scheme, value);
        }

        if (Array.IndexOf(bareSchemes, scheme) >= 0)
        {
            if (value.Length != 0)
            {
                throw new ArgumentException($"The {kind} scheme '{scheme}' takes no value (got '{spec}'). Valid: {validForms}");
            }

            return (scheme, string.Empty);
        }

        throw new ArgumentException($"Unknown {kind} scheme '{scheme}'. Valid: {validForms}");
    }
}
