using Dist.GrainInterfaces.P2P;
using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class SharePathTests
{
    [Theory]
    [InlineData("../secret")]
    [InlineData("a/../../secret")]
    [InlineData("a/..")]
    [InlineData("/etc/passwd")]
    [InlineData("~/x")]
    [InlineData("a\\..\\b")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData(".p2p/manifests/x.json")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    public void Bad_paths_are_refused(string path)
    {
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.Normalize(path));
    }

    [Theory]
    [InlineData("a.bin", "a.bin")]
    [InlineData("./dir//a.bin", "dir/a.bin")]
    [InlineData("dir/./sub/a.bin", "dir/sub/a.bin")]
    [InlineData("..a/b..", "..a/b..")]
    public void Good_paths_are_normalised(string path, string expected)
    {
        Assert.Equal(expected, SharePath.Normalize(path));
    }

    [Fact]
    public void A_file_in_the_share_resolves_to_itself()
    {
        using var temp = new TempShare();
        var file = temp.Write("dir/a.bin", [1, 2, 3]);
        Assert.Equal(file, SharePath.ExistingFile(temp.Share, "dir/a.bin"));
    }

    [Fact]
    public void A_symlink_to_a_file_outside_the_share_is_refused()
    {
        using var temp = new TempShare();
        var secret = temp.Write("secret.txt", [42], outside: true);
        File.CreateSymbolicLink(Path.Combine(temp.Share, "innocent.bin"), secret);
        var refused = Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "innocent.bin"));
        Assert.Contains("symlink", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_symlink_climbing_out_is_refused()
    {
        using var temp = new TempShare();
        temp.Write("secret.txt", [42], outside: true);
        Directory.CreateDirectory(Path.Combine(temp.Share, "dir"));
        File.CreateSymbolicLink(Path.Combine(temp.Share, "dir", "up.bin"), "../../outside/secret.txt");
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "dir/up.bin"));
    }

    [Fact]
    public void A_symlinked_folder_leading_out_is_refused_for_reads_and_writes()
    {
        using var temp = new TempShare();
        temp.Write("secret.txt", [42], outside: true);
        Directory.CreateSymbolicLink(Path.Combine(temp.Share, "linked"), temp.Outside);
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "linked/secret.txt"));
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.NewFile(temp.Share, "linked/new.bin"));
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_share_is_served()
    {
        using var temp = new TempShare();
        var real = temp.Write("real/a.bin", [7]);
        File.CreateSymbolicLink(Path.Combine(temp.Share, "alias.bin"), "real/a.bin");
        Assert.Equal(real, SharePath.ExistingFile(temp.Share, "alias.bin"));
    }

    [Fact]
    public void A_share_reached_through_a_symlink_still_works()
    {
        using var temp = new TempShare();
        var file = temp.Write("a.bin", [1]);
        var link = Path.Combine(temp.Root, "share-link");
        Directory.CreateSymbolicLink(link, temp.Share);
        Assert.Equal(file, SharePath.ExistingFile(link, "a.bin"));
    }

    [Fact]
    public void Directories_and_missing_files_are_refused()
    {
        using var temp = new TempShare();
        Directory.CreateDirectory(Path.Combine(temp.Share, "dir"));
        Assert.Contains("directory", Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "dir")).Message, StringComparison.Ordinal);
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "missing.bin"));
    }

    [Fact]
    public void Symlink_loops_are_refused_not_followed_forever()
    {
        using var temp = new TempShare();
        File.CreateSymbolicLink(Path.Combine(temp.Share, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(temp.Share, "b"), "a");
        Assert.Throws<PeerRequestRefusedException>(() => SharePath.ExistingFile(temp.Share, "a"));
    }
}
