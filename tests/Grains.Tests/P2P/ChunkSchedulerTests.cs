using OrleansDist.Grains.P2P;

namespace OrleansDist.Grains.Tests.P2P;

public sealed class ChunkSchedulerTests
{
    private const int Chunk = 1 << 20;

    [Fact]
    public void Before_any_measurement_the_chunks_are_spread_over_the_sources()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 10), ["a", "b", "c"], parallel: 6, maxPerSource: 4, Chunk);
        var given = Drain(scheduler, 0);
        Assert.Equal(6, given.Count);
        Assert.Equal([0, 1, 2, 3, 4, 5], given.Select(g => g.Chunk));
        Assert.All(new[] { "a", "b", "c" }, s => Assert.Equal(2, given.Count(g => g.Source == s)));
    }

    [Fact]
    public void A_faster_source_gets_more_chunks()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 200), ["fast", "slow"], parallel: 4, maxPerSource: 4, Chunk);
        // simulate: fast delivers a chunk every 10 ms, slow every 40 ms
        var delivery = new Dictionary<string, double> { ["fast"] = 0.010, ["slow"] = 0.040 };
        var busyUntil = new Dictionary<string, double> { ["fast"] = 0, ["slow"] = 0 };
        var inFlight = new List<(ChunkAssignment A, double Done)>();
        var now = 0.0;
        var counts = new Dictionary<string, int> { ["fast"] = 0, ["slow"] = 0 };
        while (!scheduler.Done)
        {
            while (scheduler.TryNext(now, out var a))
            {
                var done = Math.Max(now, busyUntil[a.Source]) + delivery[a.Source];
                busyUntil[a.Source] = done;
                inFlight.Add((a, done));
            }

            var next = inFlight.MinBy(f => f.Done);
            inFlight.Remove(next);
            now = next.Done;
            scheduler.Completed(next.A, Chunk, now);
            counts[next.A.Source]++;
        }

        Assert.True(counts["fast"] > 3 * counts["slow"], $"fast {counts["fast"]}, slow {counts["slow"]}");
        Assert.InRange(scheduler.Rate("fast") / scheduler.Rate("slow"), 3.0, 5.0);
    }

    [Fact]
    public void A_full_best_source_is_waited_for_rather_than_giving_the_chunk_to_a_much_slower_one()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 100), ["fast", "slow"], parallel: 8, maxPerSource: 2, Chunk);
        var first = Drain(scheduler, 0);
        var fast = first.Where(a => a.Source == "fast").ToList();
        var slow = first.Where(a => a.Source == "slow").ToList();
        scheduler.Completed(fast[0], Chunk, 0.01);
        scheduler.Completed(fast[1], Chunk, 0.02);
        scheduler.Completed(slow[0], Chunk, 1.0);
        scheduler.Completed(slow[1], Chunk, 2.0);
        var next = Drain(scheduler, 2.0);
        // the measured rates are 100× apart: the fast source's queue of two is still sooner than one chunk at the slow one
        Assert.Equal(2, next.Count(a => a.Source == "fast"));
        Assert.Equal(0, next.Count(a => a.Source == "slow"));
    }

    [Fact]
    public void A_failed_chunk_goes_back_to_the_front_with_a_retry_count()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 5), ["a", "b"], parallel: 2, maxPerSource: 1, Chunk);
        var first = Drain(scheduler, 0);
        scheduler.Failed(first[0], "timeout", drop: false, 0.05);
        Assert.True(scheduler.TryNext(0.1, out var again));
        Assert.Equal(first[0].Chunk, again.Chunk);
        Assert.Equal(1, again.Retry);
        Assert.Null(scheduler.DroppedBecause(first[0].Source));
    }

    [Fact]
    public void A_lying_source_is_dropped_at_once_and_its_chunk_fetched_elsewhere()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 4), ["liar", "honest"], parallel: 2, maxPerSource: 1, Chunk);
        var given = Drain(scheduler, 0);
        var lie = given.Single(a => a.Source == "liar");
        scheduler.Failed(lie, "wrong SHA-256", drop: true, 0.05);
        Assert.Equal("wrong SHA-256", scheduler.DroppedBecause("liar"));
        Assert.Equal(["honest"], scheduler.LiveSources);
        scheduler.Completed(given.Single(a => a.Source == "honest"), Chunk, 0.1);
        Assert.True(scheduler.TryNext(0.1, out var next));
        Assert.Equal(("honest", lie.Chunk), (next.Source, next.Chunk));
    }

    [Fact]
    public void Repeated_failures_drop_a_source_and_with_none_left_the_download_is_stranded()
    {
        var scheduler = new ChunkScheduler(Enumerable.Range(0, 2), ["only"], parallel: 1, maxPerSource: 1, Chunk);
        for (var i = 0; i < ChunkScheduler.MaxConsecutiveFailures; i++)
        {
            Assert.True(scheduler.TryNext(i, out var a));
            scheduler.Failed(a, "timeout", drop: false, i + 0.5);
        }

        Assert.NotNull(scheduler.DroppedBecause("only"));
        Assert.True(scheduler.Stranded);
        Assert.False(scheduler.TryNext(10, out _));
        Assert.Equal(2, scheduler.Remaining);
    }

    [Fact]
    public void Done_when_every_chunk_is_delivered()
    {
        var scheduler = new ChunkScheduler([3, 7], ["a"], parallel: 4, maxPerSource: 4, Chunk);
        var given = Drain(scheduler, 0);
        Assert.Equal([3, 7], given.Select(g => g.Chunk));
        given.ForEach(g => scheduler.Completed(g, Chunk, 1));
        Assert.True(scheduler.Done);
        Assert.True(new ChunkScheduler([], ["a"], 1, 1, Chunk).Done);
    }

    private static List<ChunkAssignment> Drain(ChunkScheduler scheduler, double now)
    {
        var list = new List<ChunkAssignment>();
        while (scheduler.TryNext(now, out var a))
        {
            list.Add(a);
        }

        return list;
    }
}
