namespace OrleansDist.Runtime.Membership;

/// <summary>
/// The membership table (or grain store) cannot work and retrying will not help: a corrupt database file, a path that
/// is a directory. Start-up stops with this message instead of retrying forever.
/// </summary>
public sealed class FatalMembershipTableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The membership table says this silo is dead: it must stop, and cannot write its row any more.</summary>
public sealed class SiloDeclaredDeadException(string message) : Exception(message);
