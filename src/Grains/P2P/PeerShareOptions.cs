namespace OrleansDist.Grains.P2P;

/// <summary>A peer a silo hosts: its name, its shared folder on this machine, and its upload limit (bytes/s, 0 = none).</summary>
public sealed record PeerShareOptions(string Name, string Directory, long UploadBytesPerSecond = 0)
{
    /// <summary>Peer names: 1-64 letters, digits, '.', '_' or '-' (they end up in grain keys and file names).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
