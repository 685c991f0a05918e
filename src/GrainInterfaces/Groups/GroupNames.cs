namespace Dist.GrainInterfaces.Groups;

/// <summary>Destination names: a group, <c>all</c> (every member joins it), or <c>member:N</c> (unicast to N).</summary>
public static class GroupNames
{
    public const string All = "all";
    public const string UnicastPrefix = "member:";

    public static bool IsUnicast(string destination) => destination.StartsWith(UnicastPrefix, StringComparison.Ordinal);

    /// <summary>The destination that reaches member <paramref name="member"/> alone.</summary>
    public static string Unicast(string member) => UnicastPrefix + member;

    /// <summary>The member a unicast destination names.</summary>
    public static string UnicastMember(string destination) => destination[UnicastPrefix.Length..];

    /// <summary>Null when <paramref name="name"/> is a valid member or group name, else why not.</summary>
    public static string? CheckName(string? name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return $"{what} name must be 1-100 characters";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? null
            : $"{what} name '{name}' may only hold letters, digits, '.', '_' and '-'";
    }

    /// <summary>Null when <paramref name="destination"/> is <c>all</c>, a group name or <c>member:N</c>, else why not.</summary>
    public static string? CheckDestination(string? destination) =>
        destination is not null && IsUnicast(destination) ? CheckName(UnicastMember(destination), "member") : CheckName(destination, "group");
}
