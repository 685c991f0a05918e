using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class UploadThrottleTests
{
    [Fact]
    public void Reservations_are_paced_at_the_rate_one_after_another()
    {
        var time = new ManualTime();
        var throttle = new UploadThrottle(time, 1 << 20);
        Assert.Equal(0.5, throttle.Reserve(512 << 10).TotalSeconds, 6);
        // queued behind the first
        Assert.Equal(1.0, throttle.Reserve(512 << 10).TotalSeconds, 6);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.25, throttle.Reserve(256 << 10).TotalSeconds, 6);
    }

    [Fact]
    public void Idle_time_is_not_saved_up_for_a_burst()
    {
        var time = new ManualTime();
        var throttle = new UploadThrottle(time, 1000);
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(1.0, throttle.Reserve(1000).TotalSeconds, 6);
    }

    [Fact]
    public void Rate_zero_is_unlimited_and_the_rate_can_change()
    {
        var time = new ManualTime();
        var throttle = new UploadThrottle(time);
        Assert.Equal(TimeSpan.Zero, throttle.Reserve(1 << 30));
        throttle.SetRate(2000);
        Assert.Equal(0.5, throttle.Reserve(1000).TotalSeconds, 6);
        Assert.Equal(2000, throttle.BytesPerSecond);
        Assert.Throws<ArgumentOutOfRangeException>(() => throttle.SetRate(-1));
    }
}
