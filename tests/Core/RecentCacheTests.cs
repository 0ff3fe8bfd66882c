using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Core;

/// <summary>The short-lived cache behind the save's reads: kept for its time-to-live, forgotten on a change, never refilled with what a change replaced.</summary>
public class RecentCacheTests
{

    [Fact]
    public async Task A_value_is_read_once_per_time_to_live()
    {
        var clock = new FakeClock(Now);
        var cache = new RecentCache<int, string>(TimeSpan.FromSeconds(10), clock);
        var reads = 0;
        Task<string> Read(CancellationToken _) => Task.FromResult($"read {++reads}");

        Assert.Equal("read 1", await cache.GetOrReadAsync(1, Read, _ => true, default));
        clock.Now += TimeSpan.FromSeconds(9);
        Assert.Equal("read 1", await cache.GetOrReadAsync(1, Read, _ => true, default));
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal("read 2", await cache.GetOrReadAsync(1, Read, _ => true, default));
        Assert.Equal("read 3", await cache.GetOrReadAsync(2, Read, _ => false, default)); // not kept
        Assert.Equal("read 4", await cache.GetOrReadAsync(2, Read, _ => false, default));
    }

    [Fact]
    public async Task A_read_under_way_when_its_key_is_removed_does_not_put_the_old_value_back()
    {
        var cache = new RecentCache<int, string>(TimeSpan.FromSeconds(10), new FakeClock(Now));
        var slow = new TaskCompletionSource<string>();
        var pending = cache.GetOrReadAsync(1, _ => slow.Task, _ => true, default);

        cache.Remove(1); // this process changes it while the read is out
        slow.SetResult("old");

        Assert.Equal("old", await pending); // that caller gets what it read...
        Assert.Equal("new", await cache.GetOrReadAsync(1, _ => Task.FromResult("new"), _ => true, default)); // ...but it was not kept
    }

    [Fact]
    public async Task Removing_by_value_forgets_every_key_holding_it()
    {
        var cache = new RecentCache<string, string>(TimeSpan.FromSeconds(10), new FakeClock(Now));
        await cache.GetOrReadAsync("hash-a", _ => Task.FromResult("credential-1"), _ => true, default);
        await cache.GetOrReadAsync("hash-b", _ => Task.FromResult("credential-2"), _ => true, default);

        cache.RemoveWhere(v => v == "credential-1");

        Assert.Equal("again", await cache.GetOrReadAsync("hash-a", _ => Task.FromResult("again"), _ => true, default));
        Assert.Equal("credential-2", await cache.GetOrReadAsync("hash-b", _ => Task.FromResult("unused"), _ => true, default));
    }
}
