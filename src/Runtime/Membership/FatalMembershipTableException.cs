namespace OrleansDist.Runtime.Membership;

/// <summary>
/// The membership table (or grain store) cannot work and retrying will not help: a corrupt database file, a path that
/// is a directory. Start-up stops with this message instead of retrying forever.
/// </summary>
public sealed class FatalMembershipTableException(string message, Exception? inner = null) : Exception(message, inner);
