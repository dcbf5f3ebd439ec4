using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Threads;

/// <summary>Dispose, Save and structural calls from other threads racing the game thread's ticks, many times over: no
/// crash, no hang, no torn file, no exception but the documented refusals, and the world holds every tick that ran.</summary>
public sealed class RaceStressTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Small;

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Dispose_save_and_structural_calls_racing_ticks_never_crash_tear_or_lose_a_tick(TestBackend backend)
    {
        string folder = Directory.CreateTempSubdirectory("embeddedlearn-race-").FullName;
        int iterations = backend == TestBackend.Cpu ? 2000 : 60;
        var random = new Random(17);
        int refused = 0, saves = 0, disposedRuns = 0;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            using var world = new World();
            Entity[] entities = [.. Enumerable.Range(0, 6).Select(i => Spec.Spawn(world, TrainingSettings.Adam(0.01f), (ulong)i))];
            foreach (Entity entity in entities)
            {
                world.Add(entity, new ModelKey(entity.Id)); // the game's own models, told apart from the meddler's spawns
            }

            TrainingPipeline pipeline = OnBackend.Default(backend);
            int disposeAfter = random.Next(0, 3000); // microseconds
            string file = Path.Combine(folder, "race" + (iteration % 3) + ".safetensors");
            using var go = new Barrier(3);

            Task disposer = Task.Run(() =>
            {
                go.SignalAndWait();
                Thread.Sleep(TimeSpan.FromTicks(disposeAfter * 10));
                pipeline.Dispose();
            });
            Task<int> meddler = Task.Run(() =>
            {
                go.SignalAndWait();
                int refusals = 0;
                for (int i = 0; i < 20; i++)
                {
                    refusals += Refused(() => world.Destroy(Spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 9)));
                    refusals += Refused(() => Spec.ImportParameters(world, entities[i % 6], new float[Spec.Layout.ParameterCount]));
                    if (i % 10 == 0)
                    {
                        Checkpoint.Save(world, file);
                        Interlocked.Increment(ref saves);
                    }
                }

                return refusals;
            });

            go.SignalAndWait();
            int ticks = 0;
            while (true)
            {
                try
                {
                    pipeline.Run(world);
                    ticks++;
                }
                catch (ObjectDisposedException ex) when (ex.Message.Contains("after the TrainingPipeline was disposed", StringComparison.Ordinal))
                {
                    disposedRuns++;
                    break;
                }
            }

            disposer.GetAwaiter().GetResult();
            refused += meddler.GetAwaiter().GetResult();
            long[] steps = [.. entities.Select(e => world.Get<TrainingState>(e).OptimizerSteps)];
            Assert.True(steps.All(s => s == steps[0]), $"iteration {iteration}: models at different steps {string.Join(",", steps)}");
            using var loaded = new World();
            LoadedCheckpoint checkpoint = Checkpoint.Load(loaded, file);
            long[] saved = [.. checkpoint.Entities.Where(loaded.Has<ModelKey>).Select(e => loaded.Get<TrainingState>(e).OptimizerSteps)];
            Assert.Equal(6, saved.Length);
            Assert.True(saved.All(s => s == saved[0]), $"iteration {iteration}: a torn file, steps {string.Join(",", saved)}");
        }

        Assert.Equal(iterations, disposedRuns);
        Assert.True(saves >= iterations);
        Assert.True(refused > 0, "no change was ever refused: the race never happened");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Runs <paramref name="change"/>; 1 when it was refused because a tick ran on another thread.</summary>
    private static int Refused(Action change)
    {
        try
        {
            change();
            return 0;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("while a training tick of this world runs on thread", StringComparison.Ordinal))
        {
            return 1;
        }
    }
}
