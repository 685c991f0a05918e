namespace OrleansDist.Grains.Tests.P2P;

/// <summary>A temporary folder with a share inside and room outside it (for files a share must never serve).</summary>
internal sealed class TempShare : IDisposable
{
    public TempShare()
    {
        Root = Path.Combine(Path.GetTempPath(), "p2p-test-" + Guid.NewGuid().ToString("N")[..12]);
        Share = Path.Combine(Root, "share");
        Outside = Path.Combine(Root, "outside");
        Directory.CreateDirectory(Share);
        Directory.CreateDirectory(Outside);
    }

    public string Root { get; }

    public string Share { get; }

    public string Outside { get; }

    public string Write(string relative, byte[] bytes, bool outside = false)
    {
        var path = Path.Combine(outside ? Outside : Share, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static byte[] RandomBytes(int count, int seed = 1)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
