using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The game loop with a stand-in scene: a scene opened from the page runs only while a page watches it, and
/// a control is applied between frames with the scene's notice.</summary>
public sealed class GameLoopTests
{
    [Fact]
    public async Task A_loop_that_does_not_run_unwatched_waits_for_a_page_and_stops_when_it_leaves()
    {
        var hub = new SnapshotHub();
        var scene = new CountingScene();
        using (var loop = new GameLoop(scene, hub, log: null, runsUnwatched: false))
        {
            loop.Start();
            await Task.Delay(300);
            Assert.Equal(0, scene.Frames);

            (long id, _) = hub.Subscribe();
            await WaitUntilAsync(() => scene.Frames >= 8);
            Assert.True(loop.TryEnqueue(new ControlCommand(ControlKind.Pause)));
            await WaitUntilAsync(() => scene.Applied == 1);
            hub.Unsubscribe(id);
            long frames = scene.Frames;
            await Task.Delay(300); // some 18 frames at 60 a second, were it still running
            Assert.InRange(scene.Frames, frames, frames + 1); // at most the frame in flight
        }

        Assert.True(scene.Exited && scene.Disposed);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed class CountingScene : ILiveScene
    {
        private long _frames;

        public string Name => "counting";

        public long Frames => Interlocked.Read(ref _frames);

        private int _applied;

        public int Applied => Volatile.Read(ref _applied);

        public bool Exited { get; private set; }

        public bool Disposed { get; private set; }

        public ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error) => throw new NotSupportedException();

        public string Apply(ControlCommand command)
        {
            Interlocked.Increment(ref _applied);
            return command.Kind + " applied";
        }

        public string? Frame(Action<string>? log)
        {
            Interlocked.Increment(ref _frames);
            return null;
        }

        public (byte[] Point, byte[] State)? Publish(string? notice) => ([1], [2]);

        public void Exit(Action<string>? log) => Exited = true;

        public void Dispose() => Disposed = true;
    }
}
