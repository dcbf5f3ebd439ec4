using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Runs_every_item_once_and_disposes_cleanly(int threads)
    {
        var pool = new WorkerPool(threads);
        var batch = new CountingBatch(1000);
        pool.Run(batch, 1000);
        Assert.All(batch.Hits, h => Assert.Equal(1, h));
        Assert.Equal(threads, pool.ThreadCount);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(batch, 1));
    }

    [Fact]
    public void Zero_threads_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
        Assert.Equal("threadCount", ex.ParamName);
    }

    private sealed class CountingBatch(int count) : WorkBatch
    {
        public int[] Hits { get; } = new int[count];

        public override void Execute(int index) => Interlocked.Increment(ref Hits[index]);
    }
}
