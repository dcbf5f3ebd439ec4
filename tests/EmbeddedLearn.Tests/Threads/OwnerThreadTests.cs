using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Threads;

/// <summary>While a tick runs, the world belongs to the thread running it: every structural or model change from another
/// thread is refused, naming the call, before anything changes; the tick then ends exactly as without the attempts.</summary>
public sealed class OwnerThreadTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Small;

    public static TheoryData<TestBackend, string> Calls()
    {
        var data = new TheoryData<TestBackend, string>();
        foreach (TestBackend backend in OnBackend.All)
        {
            foreach (string call in CallNames)
            {
                data.Add(backend, call);
            }
        }

        return data;
    }

    private static readonly string[] CallNames =
    [
        "World.Create", "World.Destroy", "World.Add", "World.Remove", "World.Reserve", "ModelSpec.Spawn",
        "ModelSpec.ImportParameters", "ModelSpec.ChangeSettings", "ModelSpec.ResetOptimizerState", "ModelSpec.Release",
        "ModelSpec.Reinitialise", "ModelSpec.WriteSamples", "Checkpoint.Load",
    ];

    [Theory]
    [MemberData(nameof(Calls))]
    public void A_change_from_another_thread_during_a_tick_is_refused_naming_the_call_and_changes_nothing(TestBackend backend, string call)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("embeddedlearn-owner-").FullName, "other.safetensors");
        using (var other = new World())
        {
            Spec.Spawn(other, TrainingSettings.Sgd(0.1f), seed: 99);
            Checkpoint.Save(other, file);
        }

        byte[] expected = RunOneTick(backend, attempt: null, file);
        byte[] actual = RunOneTick(backend, call, file);

        Assert.Equal(expected, actual);
        File.Delete(file);
    }

    private static byte[] RunOneTick(TestBackend backend, string? attempt, string file)
    {
        using var world = new World();
        Entity[] entities = [.. Enumerable.Range(0, 3).Select(i => Spec.Spawn(world, TrainingSettings.Sgd(0.1f), (ulong)i))];
        foreach (Entity entity in entities)
        {
            Spec.WriteSamples(world, entity, [0.5f, -1f, 2f, 1f, 0f, -0.5f, 0.25f, 0.75f, -2f], [1f, 0f, -1f, 0.5f, 0f, 2f]);
        }

        using var held = new HeldTick();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, [held, .. TrainingPipeline.DefaultStages()]);
        Task<TickReport> tick = Task.Run(() => pipeline.Run(world));
        held.WaitEntered();
        if (attempt is not null)
        {
            var refused = Assert.Throws<InvalidOperationException>(() => Attempt(attempt, world, entities, file));
            Assert.StartsWith(attempt + " was called from thread ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("while a training tick of this world runs on thread", refused.Message, StringComparison.Ordinal);
            Assert.Contains("nothing changed", refused.Message, StringComparison.Ordinal);
        }

        held.Release.Set();
        tick.GetAwaiter().GetResult();
        Assert.Equal(3, world.Count);
        return OnBackend.Snapshot(world, entities);
    }

    private static void Attempt(string call, World world, Entity[] entities, string file)
    {
        switch (call)
        {
            case "World.Create": world.Create(Spec.PlainSignature); break;
            case "World.Destroy": world.Destroy(entities[0]); break;
            case "World.Add": world.Add(entities[1], new Quarantined { SinceTick = 1 }); break;
            case "World.Remove": world.Remove<TrainingSettings>(entities[2]); break;
            case "World.Reserve": world.Reserve(Spec.PlainSignature, 1000); break;
            case "ModelSpec.Spawn": Spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 5); break;
            case "ModelSpec.ImportParameters": Spec.ImportParameters(world, entities[0], new float[Spec.Layout.ParameterCount]); break;
            case "ModelSpec.ChangeSettings": Spec.ChangeSettings(world, entities[0], TrainingSettings.Adam(0.5f)); break;
            case "ModelSpec.ResetOptimizerState": Spec.ResetOptimizerState(world, entities[0]); break;
            case "ModelSpec.Release": Spec.Release(world, entities[0]); break;
            case "ModelSpec.Reinitialise": Spec.Reinitialise(world, entities[0], seed: 3); break;
            case "ModelSpec.WriteSamples": Spec.WriteSamples(world, entities[0], new float[9], new float[6]); break;
            case "Checkpoint.Load": Checkpoint.Load(world, file); break;
            default: throw new ArgumentException(call);
        }
    }
}
