using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class RequestPacerTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;

    private static long Ms(double ms) => (long)(ms * TimeSpan.TicksPerMillisecond);

    [Fact]
    public void Depth_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestPacer(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestPacer(-3));
    }

    [Fact]
    public void AtStart_TheFullWindowMaySendNow()
    {
        var pacer = new RequestPacer(4);

        Assert.Equal(4, pacer.Window);
        Assert.Equal(RequestPacer.MinimumWait, pacer.CurrentWait);
        for (var inFlight = 0; inFlight < 4; inFlight++)
        {
            Assert.Null(pacer.DelayBeforeNextSend(inFlight, now: 0, Frequency));
            Assert.Null(pacer.DelayBeforeNextSend(inFlight, now: Ms(123_456), Frequency));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(100)]
    public void FullWindow_NeverSendsNow(int inFlight)
    {
        var pacer = new RequestPacer(4);

        Assert.Equal(TimeSpan.MaxValue, pacer.DelayBeforeNextSend(inFlight, now: 0, Frequency));
    }

    [Fact]
    public void MinusOne_DropsTheWindowToOne_AndAddsAWait()
    {
        var pacer = new RequestPacer(4);
        var t = Ms(1000);

        pacer.OnRateLimited(t, Frequency);

        Assert.Equal(1, pacer.Window);
        Assert.Equal(RequestPacer.MinimumWait, pacer.DelayBeforeNextSend(0, t, Frequency));
        Assert.Equal(TimeSpan.FromMilliseconds(1.5), pacer.DelayBeforeNextSend(0, t + Ms(0.5), Frequency));
        Assert.Null(pacer.DelayBeforeNextSend(0, t + Ms(2), Frequency));
        Assert.Null(pacer.DelayBeforeNextSend(0, t + Ms(50), Frequency));
        // one in flight fills the window of one, whatever the time
        Assert.Equal(TimeSpan.MaxValue, pacer.DelayBeforeNextSend(1, t, Frequency));
        Assert.Equal(TimeSpan.MaxValue, pacer.DelayBeforeNextSend(1, t + Ms(50), Frequency));
        Assert.Equal(RequestPacer.MinimumWait * 2, pacer.CurrentWait);
    }

    [Fact]
    public void ConsecutiveMinusOnes_DoubleTheWait_UpToTheMaximum()
    {
        var pacer = new RequestPacer(4);
        var t = Ms(10_000);
        var waits = new List<double>();

        for (var i = 0; i < 10; i++)
        {
            pacer.OnRateLimited(t, Frequency);
            var delay = pacer.DelayBeforeNextSend(0, t, Frequency);
            Assert.NotNull(delay);
            waits.Add(delay.Value.TotalMilliseconds);
            t += Ms(waits[^1]); // the next request goes out when the wait is over, and gets -1 again
            Assert.Null(pacer.DelayBeforeNextSend(0, t, Frequency));
        }

        Assert.Equal([2, 4, 8, 16, 32, 64, 128, 250, 250, 250], waits);
        Assert.Equal(RequestPacer.MaximumWait, pacer.CurrentWait);
        Assert.Equal(1, pacer.Window);
    }

    [Fact]
    public void Lines_HalveTheWait_DownToTheMinimum()
    {
        var pacer = new RequestPacer(4);
        for (var i = 0; i < 12; i++)
        {
            pacer.OnRateLimited(0, Frequency);
        }

        Assert.Equal(RequestPacer.MaximumWait, pacer.CurrentWait);

        var previous = pacer.CurrentWait;
        for (var i = 0; i < 12; i++)
        {
            pacer.OnLine();
            var expected = TimeSpan.FromTicks(Math.Max(RequestPacer.MinimumWait.Ticks, previous.Ticks / 2));
            Assert.Equal(expected, pacer.CurrentWait);
            previous = pacer.CurrentWait;
        }

        Assert.Equal(RequestPacer.MinimumWait, pacer.CurrentWait);
    }

    [Fact]
    public void AfterLines_TheNextMinusOneWaitsLess()
    {
        var pacer = new RequestPacer(2);
        for (var i = 0; i < 5; i++)
        {
            pacer.OnRateLimited(0, Frequency); // waits 2,4,8,16,32 ms; the next would be 64
        }

        pacer.OnLine(); // 32
        pacer.OnLine(); // 16
        var t = Ms(5000);
        pacer.OnRateLimited(t, Frequency);

        Assert.Equal(TimeSpan.FromMilliseconds(16), pacer.DelayBeforeNextSend(0, t, Frequency));
    }

    [Fact]
    public void Lines_GrowTheWindowBackByOne_UpToTheDepth()
    {
        var pacer = new RequestPacer(4);
        pacer.OnRateLimited(0, Frequency);
        var windows = new List<int> { pacer.Window };

        for (var i = 0; i < 5; i++)
        {
            pacer.OnLine();
            windows.Add(pacer.Window);
        }

        Assert.Equal([1, 2, 3, 4, 4, 4], windows);
    }

    [Fact]
    public void DepthOne_StaysAtOne()
    {
        var pacer = new RequestPacer(1);
        pacer.OnLine();
        Assert.Equal(1, pacer.Window);
        pacer.OnRateLimited(0, Frequency);
        pacer.OnLine();
        Assert.Equal(1, pacer.Window);
        Assert.Equal(TimeSpan.MaxValue, pacer.DelayBeforeNextSend(1, Ms(1000), Frequency));
        Assert.Null(pacer.DelayBeforeNextSend(0, Ms(1000), Frequency));
    }

    [Theory]
    [InlineData(1_000L)] // ms timestamps
    [InlineData(1_000_000_000L)] // ns (Stopwatch on Linux)
    [InlineData(TimeSpan.TicksPerSecond)]
    public void OtherTimestampFrequencies_GiveTheSameWait(long frequency)
    {
        var pacer = new RequestPacer(4);
        pacer.OnRateLimited(0, frequency);
        pacer.OnRateLimited(0, frequency); // the second -1 waits 4 ms
        var now = 5 * frequency;
        pacer.OnRateLimited(now, frequency); // and the third 8 ms

        Assert.Equal(TimeSpan.FromMilliseconds(8), pacer.DelayBeforeNextSend(0, now, frequency));
        Assert.Equal(TimeSpan.FromMilliseconds(3), pacer.DelayBeforeNextSend(0, now + (5 * frequency / 1000), frequency));
        Assert.Null(pacer.DelayBeforeNextSend(0, now + (8 * frequency / 1000), frequency));
    }

    [Fact]
    public void RandomHistory_NeverSendsNowWithAFullWindow_AndKeepsItsBounds()
    {
        var random = new Random(20240501);
        var pacer = new RequestPacer(6);
        long now = 0;

        for (var step = 0; step < 20_000; step++)
        {
            now += random.Next(0, (int)Ms(5));
            switch (random.Next(3))
            {
                case 0:
                    pacer.OnLine();
                    break;
                case 1:
                    pacer.OnRateLimited(now, Frequency);
                    break;
            }

            Assert.InRange(pacer.Window, 1, 6);
            Assert.InRange(pacer.CurrentWait, RequestPacer.MinimumWait, RequestPacer.MaximumWait);
            var inFlight = random.Next(0, 9);
            var delay = pacer.DelayBeforeNextSend(inFlight, now, Frequency);
            if (inFlight >= pacer.Window)
            {
                Assert.NotNull(delay);
                Assert.Equal(TimeSpan.MaxValue, delay);
            }
            else if (delay is { } wait)
            {
                Assert.InRange(wait, TimeSpan.FromTicks(1), RequestPacer.MaximumWait);
            }
        }
    }
}
