using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class LineSetTests
{
    [Fact]
    public void New_IsEmpty()
    {
        var set = new LineSet(10);

        Assert.Equal(10, set.Capacity);
        Assert.Equal(0, set.Count);
        Assert.False(set.IsComplete);
        Assert.All(Enumerable.Range(0, 10), n => Assert.False(set.Contains(n)));
    }

    [Fact]
    public void Add_AddsOnce()
    {
        var set = new LineSet(10);

        Assert.True(set.Add(3));
        Assert.False(set.Add(3));
        Assert.True(set.Contains(3));
        Assert.False(set.Contains(2));
        Assert.False(set.Contains(4));
        Assert.Equal(1, set.Count);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void OutOfRange_IsNeverAddedOrContained(int number)
    {
        var set = new LineSet(10);

        Assert.False(set.Add(number));
        Assert.False(set.Contains(number));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void AddingEveryNumber_Completes()
    {
        var set = new LineSet(13);
        foreach (var n in Enumerable.Range(0, 13).Reverse())
        {
            Assert.False(set.IsComplete);
            Assert.True(set.Add(n));
        }

        Assert.True(set.IsComplete);
        Assert.Equal(13, set.Count);
        Assert.All(Enumerable.Range(0, 13), n => Assert.True(set.Contains(n)));
    }

    [Fact]
    public void ZeroCapacity_IsCompleteAndHoldsNothing()
    {
        var set = new LineSet(0);

        Assert.True(set.IsComplete);
        Assert.False(set.Add(0));
        Assert.Empty(set.ToBitmap());
    }

    [Fact]
    public void NegativeCapacity_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new LineSet(-1));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 1)]
    [InlineData(9, 2)]
    [InlineData(1000, 125)]
    [InlineData(1001, 126)]
    public void Bitmap_HasOneBitPerLine(int capacity, int bytes) => Assert.Equal(bytes, new LineSet(capacity).ToBitmap().Length);

    [Fact]
    public void Bitmap_BitNIsLineN()
    {
        var set = new LineSet(16);
        set.Add(0);
        set.Add(7);
        set.Add(9);

        Assert.Equal([0b1000_0001, 0b0000_0010], set.ToBitmap());
    }

    [Fact]
    public void Bitmap_RoundTrips()
    {
        var set = new LineSet(1000);
        var random = new Random(7);
        var added = new HashSet<int>();
        for (var i = 0; i < 400; i++)
        {
            var n = random.Next(1000);
            Assert.Equal(added.Add(n), set.Add(n));
        }

        var copy = LineSet.FromBitmap(1000, set.ToBitmap());

        Assert.Equal(set.Count, copy.Count);
        Assert.Equal(added.Count, copy.Count);
        Assert.All(Enumerable.Range(0, 1000), n => Assert.Equal(added.Contains(n), copy.Contains(n)));
        Assert.Equal(set.ToBitmap(), copy.ToBitmap());
    }

    [Fact]
    public void ToBitmap_IsACopy()
    {
        var set = new LineSet(8);
        var bitmap = set.ToBitmap();

        bitmap[0] = 0xFF;

        Assert.Equal(0, set.Count);
        Assert.False(set.Contains(0));
    }

    [Fact]
    public void UnionWith_CountsOnlyNewLines()
    {
        var set = new LineSet(16);
        set.Add(1);
        set.Add(2);

        set.UnionWith([0b0000_0110 | 0b1000_0000, 0b0000_0001]); // 1, 2 (held), 7, 8 (new)

        Assert.Equal(4, set.Count);
        Assert.True(set.Contains(7));
        Assert.True(set.Contains(8));
    }

    [Fact]
    public void UnionWith_LongerBitmap_IgnoresEverythingPastTheCapacity()
    {
        var set = new LineSet(10);

        set.UnionWith([0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(10, set.Count);
        Assert.True(set.IsComplete);
        Assert.Equal([0xFF, 0b0000_0011], set.ToBitmap());
    }

    [Fact]
    public void UnionWith_ShorterBitmap_AddsWhatItCovers()
    {
        var set = new LineSet(100);
        set.Add(99);

        set.UnionWith([0b0000_0101]);

        Assert.Equal(3, set.Count);
        Assert.True(set.Contains(0));
        Assert.True(set.Contains(2));
        Assert.True(set.Contains(99));
        Assert.False(set.Contains(8));
    }

    [Fact]
    public void UnionWith_EmptyBitmap_ChangesNothing()
    {
        var set = new LineSet(10);
        set.Add(4);

        set.UnionWith([]);

        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void FromBitmap_OfAnotherCapacity_KeepsTheLinesInRange()
    {
        var big = new LineSet(64);
        foreach (var n in new[] { 0, 5, 20, 40, 63 })
        {
            big.Add(n);
        }

        var small = LineSet.FromBitmap(21, big.ToBitmap());

        Assert.Equal(3, small.Count);
        Assert.True(small.Contains(20));
        Assert.False(small.Contains(40));
    }
}
