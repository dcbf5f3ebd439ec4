using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Threads;

/// <summary>The usual autosave: <see cref="Checkpoint.Save(World, string)"/> from a background thread while the game
/// runs ticks. Every file is a snapshot between two ticks: all models at the same step, equal to the world then.</summary>
public sealed class AutosaveTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Small;

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Save_from_another_thread_waits_for_the_tick_in_flight_and_saves_its_result(TestBackend backend)
    {
        string folder = Directory.CreateTempSubdirectory("embeddedlearn-autosave-").FullName;
        using var world = new World();
        Entity[] entities = [.. Enumerable.Range(0, 4).Select(i => Spec.Spawn(world, TrainingSettings.Adam(0.01f), (ulong)i))];
        using var held = new HeldTick();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, [held, .. TrainingPipeline.DefaultStages()]);
        Task<TickReport> tick = Task.Run(() => pipeline.Run(world));
        held.WaitEntered();

        string file = Path.Combine(folder, "auto.safetensors");
        Task save = Task.Run(() => Checkpoint.Save(world, file));
        Assert.False(save.Wait(TimeSpan.FromMilliseconds(300)), "Save copied the world while a tick was in flight");
        held.Release.Set();
        tick.GetAwaiter().GetResult();
        save.GetAwaiter().GetResult();

        using var loaded = new World();
        LoadedCheckpoint checkpoint = Checkpoint.Load(loaded, file);
        HostResidency.BeforeHostRead(world);
        for (int i = 0; i < entities.Length; i++)
        {
            Entity saved = checkpoint.Entities[i];
            Assert.Equal(1, loaded.Get<TrainingState>(saved).OptimizerSteps);
            Assert.Equal(world.Get<TrainingState>(entities[i]), loaded.Get<TrainingState>(saved));
            foreach (ComponentType type in (ComponentType[])[Spec.Parameters, Spec.Gradients, Spec.AdamMoments])
            {
                Assert.Equal(world.GetSpan<float>(entities[i], type).ToArray(), loaded.GetSpan<float>(saved, type).ToArray());
            }
        }
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Autosaves_during_a_run_of_ticks_are_never_torn(TestBackend backend)
    {
        string folder = Directory.CreateTempSubdirectory("embeddedlearn-autosave-").FullName;
        using var world = new World();
        for (int i = 0; i < 32; i++)
        {
            Spec.Spawn(world, i % 2 == 0 ? TrainingSettings.Adam(0.01f) : TrainingSettings.Sgd(0.05f, momentum: 0.9f), (ulong)i);
        }

        using TrainingPipeline pipeline = OnBackend.Default(backend);
        int ticks = backend == TestBackend.Cpu ? 3000 : 600;
        using var done = new CancellationTokenSource();
        int saved = 0;
        Task saver = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                string file = Path.Combine(folder, "auto" + (saved % 4) + ".safetensors");
                Checkpoint.Save(world, file);
                using var loaded = new World();
                LoadedCheckpoint checkpoint = Checkpoint.Load(loaded, file);
                long[] steps = [.. checkpoint.Entities.Select(e => loaded.Get<TrainingState>(e).OptimizerSteps)];
                Assert.True(steps.All(s => s == steps[0]), "a torn file: models at steps " + string.Join(",", steps.Distinct()));
                Interlocked.Increment(ref saved);
            }
        });

        // Ticks go on until both the ticks and 20 autosaves are done (the saver fails the test at a torn file).
        for (int t = 0; (t < ticks || Volatile.Read(ref saved) < 20) && !saver.IsCompleted; t++)
        {
            pipeline.Run(world);
        }

        done.Cancel();
        saver.GetAwaiter().GetResult();
        Assert.True(saved >= 20, "the saver stopped after " + saved + " files");
        Directory.Delete(folder, recursive: true);
    }
}
