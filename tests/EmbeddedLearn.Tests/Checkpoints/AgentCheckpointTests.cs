using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>Q-learning agents in checkpoints (format version 2 and later): the target network, the replay ring and the agents'
/// settings and state survive a save, a loaded world continues bit for bit, bad rows are refused, and version 1 files
/// still load; agents trained on an OpenCL device save what the device learned and continue there.</summary>
public sealed class AgentCheckpointTests : IDisposable
{
    private static readonly QAgentSpec Small = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("3,8,4", Activation.Tanh), 4), 32);
    private static readonly QAgentSpec Deep = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("3,6,6,2", Activation.Relu), 2), 20);

    private readonly TempFolder _folder = new();

    [Fact]
    public void Agents_round_trip_and_continue_bit_for_bit()
    {
        using var world = new World();
        List<(QAgentSpec Spec, Entity Entity)> agents = Spawn(world);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), new PipelineOptions { Threads = 2 });
        var game = new Random(5);
        for (int decision = 0; decision < 40; decision++)
        {
            Decide(world, pipeline, agents, game);
        }

        using var loadedWorld = new World();
        List<(QAgentSpec Spec, Entity Entity)> copies = RoundTrip(world, agents, loadedWorld, "agents.safetensors");

        // The same game from here on, in both worlds: they stay identical, bit for bit.
        using var pipeline2 = new TrainingPipeline(QAgentSpec.Stages(), new PipelineOptions { Threads = 1 });
        ContinueAlike((world, pipeline, agents), (loadedWorld, pipeline2, copies));
    }

    [Theory]
    [InlineData(TestBackend.OpenCl)]
    [InlineData(TestBackend.OpenClGpuKernels)]
    public void Agents_trained_on_the_device_round_trip_and_continue_there_bit_for_bit(TestBackend backend)
    {
        using var world = new World();
        List<(QAgentSpec Spec, Entity Entity)> agents = Spawn(world);
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, QAgentSpec.Stages());
        using var reference = new World();
        List<(QAgentSpec Spec, Entity Entity)> onCpu = Spawn(reference);
        using var cpu = new TrainingPipeline(QAgentSpec.Stages());
        var game = new Random(5);
        var gameCpu = new Random(5);
        for (int decision = 0; decision < 40; decision++)
        {
            Decide(world, pipeline, agents, game);
            Decide(reference, cpu, onCpu, gameCpu);
        }

        // The file holds what the device learned (brought home by the save), as the CPU learned it.
        using var loadedWorld = new World();
        List<(QAgentSpec Spec, Entity Entity)> copies = RoundTrip(world, agents, loadedWorld, "device-agents.safetensors");
        foreach (((QAgentSpec spec, Entity copy), (_, Entity expected)) in copies.Zip(onCpu))
        {
            Assert.Equal(reference.Get<QAgentState>(expected) with { ActionValue = 0f }, loadedWorld.Get<QAgentState>(copy) with { ActionValue = 0f });
            Assert.Equal(reference.Get<TrainingState>(expected).OptimizerSteps, loadedWorld.Get<TrainingState>(copy).OptimizerSteps);
            Assert.True(loadedWorld.Get<TrainingState>(copy).OptimizerSteps > 0);
            OnBackend.AssertClose(reference.GetSpan<float>(expected, spec.Model.Parameters), loadedWorld.GetSpan<float>(copy, spec.Model.Parameters));
            OnBackend.AssertClose(reference.GetSpan<float>(expected, spec.TargetParameters), loadedWorld.GetSpan<float>(copy, spec.TargetParameters));
        }

        // The same game from here on, each world on a device pipeline of its own: they stay identical, bit for bit.
        using TrainingPipeline pipeline2 = OnBackend.Pipeline(backend, QAgentSpec.Stages());
        ContinueAlike((world, pipeline, agents), (loadedWorld, pipeline2, copies));
    }

    [Theory]
    [InlineData("model0.q_settings", 0, 2.0, "model0.q_settings, row 0: invalid Q-learning settings: Gamma is 2; it must be in [0, 1]")]
    [InlineData("model0.q_settings", 16, 0.5, "model0.q_settings, row 1: q_settings column min_replay is 0.5; it must be an integer from 0 to")]
    [InlineData("model0.q_settings", 7, 33.0, "model0.q_settings, row 0: invalid Q-learning settings: MinReplay is 33; the replay ring holds at most 32 transitions")]
    [InlineData("model0.q_state", 0, 7L, "model0.q_state, row 0: action is 7; it must be from 0 to 3")]
    [InlineData("model0.replay_state", 4, 33L, "model0.replay_state, row 1: count is 33; it must be from 0 to 32")]
    [InlineData("model0.replay_state", 1, 32L, "model0.replay_state, row 0: next is 32; it must be from 0 to 31")]
    public void Bad_agent_rows_are_refused_naming_tensor_row_column_and_value(string tensor, int element, object value, string expected)
    {
        using var world = new World();
        List<(QAgentSpec Spec, Entity Entity)> agents = Spawn(world);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        var game = new Random(1);
        for (int decision = 0; decision < 5; decision++)
        {
            Decide(world, pipeline, agents, game);
        }

        string path = _folder.File("good.safetensors");
        Checkpoint.Save(world, path);
        byte[] original = File.ReadAllBytes(path);
        byte[] bytes = value is double d ? BitConverter.GetBytes(d) : BitConverter.GetBytes((long)value);
        string? message = new LoaderAttack(_folder, original).Load(CheckpointAttackTests.PatchData(original, tensor, element, bytes));
        Assert.NotNull(message);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_checkpoint_still_loads_exactly()
    {
        // Data/checkpoint-v1.safetensors was written by format version 1 from this world (SGD with momentum, Adam with a
        // key, an inference-only model; three ticks): rebuilding it must give the loaded models bit for bit.
        using var rebuilt = new World();
        ModelSpec spec = ModelSpec.Get(ModelLayout.Parse("3,4,2", Activation.Tanh), 2);
        Entity a = spec.Spawn(rebuilt, TrainingSettings.Sgd(0.1f, momentum: 0.9f), 1);
        Entity b = spec.Spawn(rebuilt, TrainingSettings.Adam(0.01f), 2);
        rebuilt.Add(b, new ModelKey(42));
        Entity c = spec.SpawnInference(rebuilt, 3);
        using (TrainingPipeline pipeline = TrainingPipeline.CreateDefault())
        {
            for (int t = 0; t < 3; t++)
            {
                spec.WriteSamples(rebuilt, a, [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f], [1, 0, 0, 1]);
                spec.WriteSamples(rebuilt, b, [0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f], [0, 1, 1, 0]);
                pipeline.Run(rebuilt);
            }
        }

        using var world = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(world, Path.Combine(AppContext.BaseDirectory, "Data", "checkpoint-v1.safetensors"));

        Assert.Equal(3, loaded.Entities.Count);
        Entity[] expected = [a, b, c];
        foreach ((Entity before, Entity after) in expected.Zip(loaded.Entities))
        {
            foreach (ComponentType type in new[] { spec.Parameters, spec.Gradients, spec.Momentum, spec.AdamMoments })
            {
                if (rebuilt.Has(before, type))
                {
                    Assert.Equal(rebuilt.GetSpan<float>(before, type).ToArray(), world.GetSpan<float>(after, type).ToArray());
                }
            }
        }

        Assert.Equal(rebuilt.Get<TrainingState>(b) with { Outcome = TickOutcome.None }, world.Get<TrainingState>(loaded.ByKey[new ModelKey(42)]));
        Assert.Equal(rebuilt.Get<TrainingSettings>(a), world.Get<TrainingSettings>(loaded.Entities[0]));
    }

    public void Dispose() => _folder.Dispose();

    private static List<(QAgentSpec, Entity)> Spawn(World world)
    {
        List<(QAgentSpec, Entity)> agents = [];
        for (int i = 0; i < 3; i++)
        {
            agents.Add((Small, Small.Spawn(world, TrainingSettings.Adam(0.01f), QLearningSettings.Dqn(doubleDqn: i == 1, minReplay: 3), (ulong)i)));
        }

        for (int i = 0; i < 2; i++)
        {
            QLearningSettings polyak = QLearningSettings.Dqn(targetSyncPeriod: 0, tau: 0.2f, minReplay: 2, epsilonDecayDecisions: 10);
            agents.Add((Deep, Deep.Spawn(world, TrainingSettings.Sgd(0.05f, momentum: 0.9f), polyak, (ulong)(10 + i))));
        }

        world.Add(agents[4].Item2, new ModelKey(7));
        return agents;
    }

    /// <summary>Saves <paramref name="world"/> to <paramref name="file"/> and loads it into <paramref name="into"/>; checks
    /// that every agent came back whole, an agent again; returns the copies in the order of <paramref name="agents"/>.</summary>
    private List<(QAgentSpec Spec, Entity Entity)> RoundTrip(World world, List<(QAgentSpec Spec, Entity Entity)> agents, World into, string file)
    {
        string path = _folder.File(file);
        IReadOnlyList<Entity> saved = Checkpoint.Save(world, path);
        LoadedCheckpoint loaded = Checkpoint.Load(into, path);
        var copies = agents.Select(a => (a.Spec, loaded.Entities[IndexOf(saved, a.Entity)])).ToList();
        foreach (((QAgentSpec spec, Entity original), (_, Entity copy)) in agents.Zip(copies))
        {
            Assert.Equal(Saved(world, spec, original), Saved(into, spec, copy));
            Assert.True(into.Has(copy, spec.Observation)); // an agent again, not a bare model
        }

        return copies;
    }

    /// <summary>Plays the same 30 decisions in both worlds, then checks they are identical, bit for bit (the state a device
    /// holds brought home first).</summary>
    private static void ContinueAlike(
        (World World, TrainingPipeline Pipeline, List<(QAgentSpec Spec, Entity Entity)> Agents) a,
        (World World, TrainingPipeline Pipeline, List<(QAgentSpec Spec, Entity Entity)> Agents) b)
    {
        var gameA = new Random(9);
        var gameB = new Random(9);
        for (int decision = 0; decision < 30; decision++)
        {
            Decide(a.World, a.Pipeline, a.Agents, gameA);
            Decide(b.World, b.Pipeline, b.Agents, gameB);
        }

        HostResidency.BeforeHostRead(a.World);
        HostResidency.BeforeHostRead(b.World);
        foreach (((QAgentSpec spec, Entity original), (_, Entity copy)) in a.Agents.Zip(b.Agents))
        {
            Assert.Equal(Saved(a.World, spec, original), Saved(b.World, spec, copy));
        }
    }

    /// <summary>One decision of a toy game: fresh observations, the tick, a reward for the chosen action, a record.</summary>
    private static void Decide(World world, TrainingPipeline pipeline, List<(QAgentSpec Spec, Entity Entity)> agents, Random game)
    {
        foreach ((QAgentSpec spec, Entity e) in agents)
        {
            Span<float> observation = world.GetSpan<float>(e, spec.Observation);
            for (int k = 0; k < observation.Length; k++)
            {
                observation[k] = (float)game.NextDouble();
            }
        }

        pipeline.Run(world);
        foreach ((QAgentSpec spec, Entity e) in agents)
        {
            float[] next = Enumerable.Range(0, spec.ObservationWidth).Select(_ => (float)game.NextDouble()).ToArray();
            int action = world.Get<QAgentState>(e).Action;
            spec.Record(world, e, world.GetSpan<float>(e, spec.Observation), action, action == 1 ? 1f : -0.1f, next, game.Next(5) == 0);
        }
    }

    /// <summary>What a checkpoint keeps of an agent, as bytes (per-tick values such as inputs and outputs excluded).</summary>
    private static byte[] Saved(World world, QAgentSpec spec, Entity e)
    {
        ModelSpec m = spec.Model;
        var types = new List<ComponentType> { m.Parameters, m.Gradients, spec.TargetParameters, spec.ReplayBuffer,
            ComponentType.Of<TrainingSettings>(), ComponentType.Of<QLearningSettings>(), ComponentType.Of<QAgentState>(),
            ComponentType.Of<ReplayState>() };
        types.AddRange(new[] { m.Momentum, m.AdamMoments }.Where(t => world.Has(e, t)));
        TrainingState state = world.Get<TrainingState>(e) with { Outcome = TickOutcome.None }; // per-tick, not saved
        return [.. types.SelectMany(t => ComponentBytes.Of(world, e, t)), .. ComponentBytes.Fields(state)];
    }

    private static int IndexOf(IReadOnlyList<Entity> list, Entity e)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == e)
            {
                return i;
            }
        }

        return -1;
    }
}
