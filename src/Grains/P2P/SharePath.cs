using Dist.GrainInterfaces.P2P;

namespace OrleansDist.Grains.P2P;

/// <summary>
/// Turns a path a caller sent into a file inside a share, or refuses it: empty, absolute, <c>..</c>, control characters,
/// the share's own metadata folder, and (for files that exist) anything whose real path, every symlink resolved, lies
/// outside the share's real path. Unix paths ('/' separates; '\' is refused so no path means two things).
/// </summary>
public static class SharePath
{
    /// <summary>The share's own folder (manifests, download state); never served or written by name.</summary>
    public const string MetadataFolder = ".p2p";

    public const int MaxPathLength = 1024;

    private const int MaxSymlinks = 40;

    /// <summary>The path's segments joined by '/', or a <see cref="PeerRequestRefusedException"/> saying why not.</summary>
    public static string Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Refuse(path, "the path is empty");
        }

        if (path.Length > MaxPathLength)
        {
            throw Refuse(path[..64] + "…", $"the path is longer than {MaxPathLength} characters");
        }

        if (path.Any(char.IsControl))
        {
            throw Refuse(path, "the path contains control characters");
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            throw Refuse(path, "'\\' is not a path separator here");
        }

        if (path.StartsWith('/') || path.StartsWith('~') || Path.IsPathRooted(path))
        {
            throw Refuse(path, "absolute paths are refused; give a path relative to the share");
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s == ".."))
        {
            throw Refuse(path, "'..' is refused: paths stay inside the share");
        }

        segments = [.. segments.Where(s => s != ".")];
        if (segments.Length == 0)
        {
            throw Refuse(path, "the path names the share itself, not a file");
        }

        if (string.Equals(segments[0], MetadataFolder, StringComparison.Ordinal))
        {
            throw Refuse(path, $"'{MetadataFolder}' is the share's own bookkeeping");
        }

        return string.Join('/', segments);
    }

    /// <summary>The full path of <paramref name="path"/> under <paramref name="shareRoot"/> (checked by name only).</summary>
    public static string Combine(string shareRoot, string path)
    {
        var root = Path.GetFullPath(shareRoot);
        var full = Path.GetFullPath(Path.Combine(root, Normalize(path)));
        if (!IsInside(root, full))
        {
            throw Refuse(path, "the path leaves the share");
        }

        return full;
    }

    /// <summary>
    /// The real path of an existing regular file inside the share: symlinks are followed and the result must still be
    /// inside the share's real path. Directories and special files are refused.
    /// </summary>
    public static string ExistingFile(string shareRoot, string path)
    {
        var full = Combine(shareRoot, path);
        var realRoot = RealPath(Path.GetFullPath(shareRoot));
        var real = RealPath(full);
        if (!IsInside(realRoot, real))
        {
            throw Refuse(path, "a symlink leads out of the share");
        }

        var info = new FileInfo(real);
        if (Directory.Exists(real))
        {
            throw Refuse(path, "it is a directory, not a file");
        }

        if (!info.Exists)
        {
            throw new PeerRequestRefusedException($"'{path}' is not in this share");
        }

        return real;
    }

    /// <summary>
    /// Where a downloaded file may be written: inside the share by name, and every folder on the way that exists is,
    /// symlinks resolved, still inside the share (a symlinked folder cannot send the download elsewhere).
    /// </summary>
    public static string NewFile(string shareRoot, string path)
    {
        var full = Combine(shareRoot, path);
        var realRoot = RealPath(Path.GetFullPath(shareRoot));
        var realParent = RealPath(Path.GetDirectoryName(full)!);
        if (!IsInside(realRoot, realParent) && !string.Equals(realRoot, realParent, StringComparison.Ordinal))
        {
            throw Refuse(path, "a symlinked folder leads out of the share");
        }

        var target = Path.Combine(realParent, Path.GetFileName(full));
        if (new FileInfo(target).LinkTarget is not null)
        {
            throw Refuse(path, "the target is a symlink");
        }

        return target;
    }

    /// <summary>True when <paramref name="path"/> is strictly below <paramref name="root"/>.</summary>
    public static bool IsInside(string root, string path)
    {
        var prefix = root.EndsWith('/') ? root : root + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length;
    }

    /// <summary>
    /// The path with every symlink resolved, component by component (what realpath(3) gives); components that do not
    /// exist are kept as they are.
    /// </summary>
    public static string RealPath(string fullPath)
    {
        var pending = new List<string>(fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        pending.Reverse();
        var current = "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = current == "/" ? "/" + part : current + "/" + part;
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new PeerRequestRefusedException($"too many symlinks under '{fullPath}'");
            }

            // the link's own components take its place, resolved from here (or from / for an absolute link)
            if (target.StartsWith('/'))
            {
                current = "/";
            }

            var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                pending.Add(parts[i]);
            }
        }

        return current;
    }

    private static PeerRequestRefusedException Refuse(string? path, string why) => new($"refused '{path}': {why}");
}
