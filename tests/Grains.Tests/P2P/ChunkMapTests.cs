using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class ChunkMapTests
{
    [Fact]
    public void Marks_round_trip_through_bytes()
    {
        var map = new ChunkMap(11);
        Assert.True(map.Mark(0));
        Assert.True(map.Mark(10));
        Assert.False(map.Mark(10));
        var back = ChunkMap.FromBytes(11, map.ToBytes())!;
        Assert.Equal([0, 10], back.Present());
        Assert.Equal(2, back.Count);
        Assert.Equal(9, back.Missing().Count());
        back.Clear(0);
        Assert.Equal([10], back.Present());
    }

    [Fact]
    public void Bytes_of_another_length_or_with_stray_bits_are_rejected()
    {
        Assert.Null(ChunkMap.FromBytes(11, new byte[3]));
        // chunk 11 does not exist in an 11-chunk map
        Assert.Null(ChunkMap.FromBytes(11, [0, 0b0000_1000]));
        Assert.NotNull(ChunkMap.FromBytes(11, [0xff, 0b0000_0111]));
    }

    [Fact]
    public void Complete_when_every_chunk_is_marked()
    {
        var map = new ChunkMap(3);
        map.Mark(0);
        map.Mark(1);
        Assert.False(map.IsComplete);
        map.Mark(2);
        Assert.True(map.IsComplete);
        Assert.True(new ChunkMap(0).IsComplete);
    }
}
