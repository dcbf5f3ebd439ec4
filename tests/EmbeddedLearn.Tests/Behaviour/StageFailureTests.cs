using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game's stage that throws: the exception names it, and every entity has the whole run of block stages or
/// none of it, never half.</summary>
public sealed class StageFailureTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Swarm;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_block_stage_that_throws_after_the_step_leaves_its_block_untouched_and_the_others_whole(int threads)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            SwarmWorld.WriteSamples(world, entities.Select(e => (Spec, e)), tick: 0);
            byte[][] before = [.. entities.Select(e => OnBackend.Snapshot(world, [e]))];
            byte[][] after = Reference(world, entities, threads);
            var thrower = new ThrowingStage(entities[200]);
            using var pipeline = new TrainingPipeline([.. TrainingPipeline.DefaultStages(), thrower], new PipelineOptions { Threads = threads });

            var failure = Assert.Throws<StageException>(() => pipeline.Run(world));

            Assert.Equal("Thrower", failure.StageName);
            Assert.IsType<InvalidOperationException>(failure.InnerException);
            Assert.StartsWith("Stage Thrower threw InvalidOperationException (the game's stage failed on " + entities[200] + ") on the block of ",
                failure.Message, StringComparison.Ordinal);
            Assert.Contains(entities[200], failure.Entities);
            for (int i = 0; i < entities.Length; i++)
            {
                byte[] expected = failure.Entities.Contains(entities[i]) ? before[i] : after[i];
                Assert.True(expected.AsSpan().SequenceEqual(OnBackend.Snapshot(world, [entities[i]])), "entity " + i + " is half-applied");
            }

            Assert.InRange(failure.Entities.Count, 1, 299);
            pipeline.Run(world); // the next tick runs (the thrower fails once)
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_observer_that_throws_after_the_step_is_named_and_every_block_keeps_the_whole_run(int threads)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            SwarmWorld.WriteSamples(world, entities.Select(e => (Spec, e)), tick: 0);
            byte[][] after = Reference(world, entities, threads);
            var observer = new ThrowingStage(entities[200], observes: true);
            using var pipeline = new TrainingPipeline([.. TrainingPipeline.DefaultStages(), observer, new ThrowingStage(null, observes: true)],
                new PipelineOptions { Threads = threads });

            var failure = Assert.Throws<StageException>(() => pipeline.Run(world));

            Assert.Equal("Thrower", failure.StageName);
            Assert.False(failure.Restored);
            Assert.IsType<InvalidOperationException>(failure.InnerException);
            string which = failure.Entities.Count + " entities from " + failure.Entities[0];
            Assert.Equal("Stage Thrower threw InvalidOperationException (the game's stage failed on " + entities[200] + ") on the block of "
                + which + ". It observes only, as do the stages after it in the run, so those entities kept every write of the run, "
                + "as the other blocks, which finished it whole; no later stage of the tick ran.", failure.Message);
            Assert.Contains(entities[200], failure.Entities);
            for (int i = 0; i < entities.Length; i++)
            {
                Assert.True(after[i].AsSpan().SequenceEqual(OnBackend.Snapshot(world, [entities[i]])), "entity " + i + " lacks part of the run");
            }

            pipeline.Run(world); // the next tick runs (the thrower fails once)
        }
    }

    [Fact]
    public void An_observer_that_a_writing_stage_follows_has_its_block_put_back()
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            SwarmWorld.WriteSamples(world, entities.Select(e => (Spec, e)), tick: 0);
            byte[][] before = [.. entities.Select(e => OnBackend.Snapshot(world, [e]))];
            List<IPipelineStage> stages = [.. TrainingPipeline.DefaultStages()];
            stages.Insert(stages.FindIndex(s => s.Name == "Backward") + 1, new ThrowingStage(entities[100], observes: true));
            using var pipeline = new TrainingPipeline(stages, new PipelineOptions { Threads = 2 });

            var failure = Assert.Throws<StageException>(() => pipeline.Run(world));

            Assert.True(failure.Restored);
            Assert.Contains("Those entities were restored to their state before the tick's run of block stages", failure.Message, StringComparison.Ordinal);
            Assert.Contains(entities[100], failure.Entities);
            foreach (Entity entity in failure.Entities)
            {
                int i = Array.IndexOf(entities, entity);
                Assert.True(before[i].AsSpan().SequenceEqual(OnBackend.Snapshot(world, [entity])), "entity " + i + " is half-applied");
            }
        }
    }

    [Fact]
    public void An_observer_that_declares_a_write_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingPipeline([.. TrainingPipeline.DefaultStages(), new WritingObserver()]));

        Assert.StartsWith("Stage Counter observes only (ObservesOnly is true) but declares Writes Outputs, Loss; an observer writes "
            + "nothing (Writes must be None).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_game_system_that_throws_is_named()
    {
        using var world = new World();
        Spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        using var pipeline = new TrainingPipeline([.. TrainingPipeline.DefaultStages(), new ThrowingSystem()]);

        var failure = Assert.Throws<StageException>(() => pipeline.Run(world));

        Assert.Equal("Broken", failure.StageName);
        Assert.Empty(failure.Entities);
        Assert.Equal("Game system Broken threw FormatException (bad level data). The block stages before it in the tick were "
            + "applied to every entity, and no later stage ran.", failure.Message);
    }

    /// <summary>Every entity's bytes after one tick of the default stages, computed on a copy.</summary>
    private static byte[][] Reference(World world, Entity[] entities, int threads)
    {
        float[] parameters = new float[Spec.Layout.ParameterCount];
        using var copy = new World();
        var twins = new Entity[entities.Length];
        for (int i = 0; i < entities.Length; i++)
        {
            Spec.ExportParameters(world, entities[i], parameters);
            twins[i] = Spec.Spawn(copy, world.Get<TrainingSettings>(entities[i]), parameters);
        }

        SwarmWorld.WriteSamples(copy, twins.Select(e => (Spec, e)), tick: 0);
        using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = threads });
        pipeline.Run(copy);
        return [.. twins.Select(e => OnBackend.Snapshot(copy, [e]))];
    }

    /// <summary>Throws, once, on the block holding <paramref name="target"/> (never when it is null); declares
    /// itself an observer when <paramref name="observes"/>.</summary>
    private sealed class ThrowingStage(Entity? target, bool observes = false) : IBlockStage
    {
        private int _failed;

        public string Name => "Thrower";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public bool ObservesOnly => observes;

        public void Execute(in ModelBlock block)
        {
            if (target is Entity t && block.Entities.Contains(t) && Interlocked.Exchange(ref _failed, 1) == 0)
            {
                throw new InvalidOperationException("the game's stage failed on " + t);
            }
        }
    }

    private sealed class WritingObserver : IBlockStage
    {
        public string Name => "Counter";

        public ModelData Reads => ModelData.Outputs;

        public ModelData Writes => ModelData.Outputs | ModelData.Loss;

        public bool ObservesOnly => true;

        public void Execute(in ModelBlock block)
        {
        }
    }

    private sealed class ThrowingSystem : IWorldSystem
    {
        public string Name => "Broken";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Update(World world) => throw new FormatException("bad level data");
    }
}
