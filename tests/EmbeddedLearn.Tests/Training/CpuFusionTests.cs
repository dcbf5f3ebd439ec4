using CsCheck;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Reinforcement;
using EmbeddedLearn.Training.SharedModels;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>
/// The CPU executor's fusions (<see cref="CpuFusion"/>): ZeroGrad folded into the Backward after it
/// (<see cref="DeferredZeroGrad"/>: the backward pass overwrites the gradients it would have added to cleared ones) and
/// the Guard's norm taken by the steps after it (<see cref="DeferredGuard"/>). These tests hold them to giving the bits
/// of the stages run one after the other, in whole pipelines whose entities accumulate over one or two passes, sit out
/// for bad data, have their outputs held after an overflow, clip, and have their steps skipped for a gradient norm
/// beyond float. The kernels behind them are held to it in <see cref="FusedKernelTests"/>.
/// </summary>
public sealed class CpuFusionTests
{
    [Fact]
    public void The_default_pipeline_defers_its_zero_grad_and_a_stage_between_them_stops_it()
    {
        IPipelineStage[] stages = [.. TrainingPipeline.DefaultStages()];
        Assert.Equal((0, 3), DeferredZeroGrad.Find(stages, 0, stages.Length));

        IPipelineStage[] between = [.. stages[..1], new NoOpStage(), .. stages[1..]];
        Assert.Equal((-1, -1), DeferredZeroGrad.Find(between, 0, between.Length));

        IPipelineStage[] forwardFirst = [new ForwardStage(), .. stages];
        Assert.Equal((-1, -1), DeferredZeroGrad.Find(forwardFirst, 0, forwardFirst.Length));

        IPipelineStage[] gameFirst = [new NoOpStage(), .. stages]; // a game's stage may set any flag before the ZeroGrad
        Assert.Equal((-1, -1), DeferredZeroGrad.Find(gameFirst, 0, gameFirst.Length));
        IPipelineStage[] systemFirst = [new NoOpSystem(), .. stages]; // so may a game's world system, in an earlier run
        Assert.Equal((-1, -1), DeferredZeroGrad.Find(systemFirst, 1, systemFirst.Length));

        Assert.Equal((-1, -1), DeferredZeroGrad.Find(stages, 1, stages.Length)); // the ZeroGrad is in another run
    }

    [Fact]
    public void The_agents_pipelines_defer_their_zero_grad_except_ppo_whose_minibatch_stage_may_keep_a_brain_waiting_first()
    {
        IPipelineStage[] q = [.. QAgentSpec.Stages()];
        Assert.Equal((q.ToList().FindIndex(s => s is ZeroGradStage), q.ToList().FindIndex(s => s is BackwardStage)), DeferredZeroGrad.Find(q, 0, q.Length));
        IPipelineStage[] shared = [.. SharedModelSpec.Stages()];
        Assert.Equal((shared.ToList().FindIndex(s => s is ZeroGradStage), shared.ToList().FindIndex(s => s is BackwardStage)),
            DeferredZeroGrad.Find(shared, 0, shared.Length));
        IPipelineStage[] ppo = [.. PpoSpec.Stages()];
        Assert.Equal((-1, -1), DeferredZeroGrad.Find(ppo, 0, ppo.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Q_agents_learn_the_same_bits_fused_and_unfused_some_of_them_waiting(int threads)
    {
        Assert.Equal(TrainAgents(threads, fused: false), TrainAgents(threads, fused: true));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Shared_brains_learn_the_same_bits_fused_and_unfused_some_of_them_waiting(int threads)
    {
        Assert.Equal(TrainBrains(threads, fused: false), TrainBrains(threads, fused: true));
    }

    /// <summary>Q-learning agents (Double-DQN, four seeds' layouts), one of which, after two ticks of training, waits for
    /// experience (the replay sampling sets <see cref="TickOutcome.Waiting"/> after the ZeroGrad would have run) until it
    /// has enough.</summary>
    private static List<byte[]> TrainAgents(int threads, bool fused)
    {
        var bytes = new List<byte[]>();
        foreach (int seed in new[] { 0, 1, 3, 4 })
        {
            using var c = new Tests.Reinforcement.QAgentCase(seed, doubleDqn: true, agents: 5, recorded: 6);
            using var pipeline = new TrainingPipeline(Unfused(QAgentSpec.Stages(), fused), new PipelineOptions { Threads = threads });
            bool waited = false;
            for (int t = 0; t < 6; t++)
            {
                if (t == 2)
                {
                    // It has trained (its gradients are not zero) and now waits: a ZeroGrad would still clear it.
                    c.World.Set(c.Agents[2], c.Q with { MinReplay = 9 });
                }

                TickReport report = pipeline.Run(c.World);
                waited |= report.Waiting.Length > 0;
                c.Spec.Record(c.World, c.Agents[2], KernelAssert.RandomFloats(c.Random, c.Spec.ObservationWidth, 2), 0, 1f,
                    KernelAssert.RandomFloats(c.Random, c.Spec.ObservationWidth, 2), false);
                bytes.AddRange(Snapshot(c.World, c.Agents));
            }

            Assert.True(waited, "an agent waited for experience");
        }

        return bytes;
    }

    /// <summary>Twelve shared brains (SGD with momentum, Adam, AdamW); the one-member brain's member has bad inputs every
    /// other tick, so that brain has no rows and waits.</summary>
    private static List<byte[]> TrainBrains(int threads, bool fused)
    {
        using var world = new World();
        (SharedModelSpec spec, Entity[] brains, List<Entity> members) = Tests.SharedModels.SharedModelBehaviourTests.Populate(world);
        using var pipeline = new TrainingPipeline(Unfused(SharedModelSpec.Stages(), fused), new PipelineOptions { Threads = threads });
        var random = new Random(5);
        var bytes = new List<byte[]>();
        bool waited = false;
        for (int t = 0; t < 6; t++)
        {
            foreach (Entity m in members)
            {
                FillRandom(random, spec.Inputs(world, m));
                FillRandom(random, spec.Targets(world, m));
            }

            if (t % 2 == 0)
            {
                spec.Inputs(world, members[0])[0] = float.NaN; // brain 0's only member: the brain has no rows
            }

            waited |= pipeline.Run(world).Waiting.Length > 0;
            bytes.AddRange(Snapshot(world, brains));
        }

        Assert.True(waited, "a brain waited for rows");
        return bytes;
    }

    private static void FillRandom(Random random, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }
    }

    /// <summary><paramref name="stages"/>, or with a game's no-op stage after the ZeroGrad and after the Guard, which keeps
    /// the executor from fusing them.</summary>
    private static List<IPipelineStage> Unfused(List<IPipelineStage> stages, bool fused)
    {
        if (!fused)
        {
            stages.Insert(stages.FindIndex(s => s is GuardStage) + 1, new NoOpStage());
            stages.Insert(stages.FindIndex(s => s is ZeroGradStage) + 1, new NoOpStage());
        }

        return stages;
    }

    private static IEnumerable<byte[]> Snapshot(World world, IEnumerable<Entity> entities) =>
        entities.SelectMany(e => world.GetComponentTypes(e).ToArray().Select(type => ComponentBytes.Of(world, e, type)));

    [Fact]
    public void The_default_pipeline_leaves_the_guard_norm_to_its_three_steps_and_a_stage_between_them_stops_it()
    {
        IPipelineStage[] stages = [.. TrainingPipeline.DefaultStages()];
        Assert.Equal((4, 8, 0b111), DeferredGuard.Find(stages, 0, stages.Length));

        IPipelineStage[] between = [.. stages[..5], new NoOpStage(), .. stages[5..]];
        Assert.Equal((-1, -1, 0), DeferredGuard.Find(between, 0, between.Length));

        IPipelineStage[] sgdOnly = [.. stages[..6]];
        Assert.Equal((4, 6, 0b001), DeferredGuard.Find(sgdOnly, 0, sgdOnly.Length));
        Assert.Equal((-1, -1, 0), DeferredGuard.Find(stages, 0, 5)); // the steps are in another run
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_pipeline_that_fuses_gives_the_bits_of_one_that_does_not(int threads)
    {
        Assert.Equal(Train(threads, fused: false), Train(threads, fused: true));
    }

    /// <summary>Random layouts (widths 1-40, two to four layers, every activation), batches 1-9, optimizers with random
    /// settings (momentum, Nesterov, weight decay, maximize, AdamW), reductions, K of 1-3 and clipping, on 1-3 threads:
    /// the fused pipeline gives every component's bits of the unfused one after each of four ticks.</summary>
    [Fact]
    public void Random_models_and_settings_give_the_same_bits_fused_and_unfused()
    {
        Activation[] activations = [Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid];
        var gen = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 3]);
        gen.Sample((seed, threads) =>
        {
            var random = new Random(seed);
            int layers = random.Next(1, 4);
            int[] widths = [.. Enumerable.Range(0, layers + 1).Select(_ => random.Next(1, 41))];
            ModelSpec spec = ModelSpec.Get(new ModelLayout(widths, activations[random.Next(activations.Length)]), random.Next(1, 10));
            var settings = new TrainingSettings[6];
            for (int i = 0; i < settings.Length; i++)
            {
                LossReduction reduction = (LossReduction)random.Next(3);
                int k = random.Next(1, 4);
                bool maximize = random.Next(4) == 0;
                float decay = random.Next(2) == 0 ? 0f : 0.01f;
                settings[i] = random.Next(4) switch
                {
                    0 => TrainingSettings.Sgd(0.01f, reduction: reduction, accumulationSteps: k),
                    1 => TrainingSettings.Sgd(0.02f, momentum: 0.9f, nesterov: random.Next(2) == 0, weightDecay: decay, maximize: maximize,
                        reduction: reduction, accumulationSteps: k),
                    2 => TrainingSettings.Adam(0.005f, weightDecay: decay, maximize: maximize, reduction: reduction, accumulationSteps: k),
                    _ => TrainingSettings.AdamW(0.005f, reduction: reduction, accumulationSteps: k),
                } with { MaxGradNorm = random.Next(3) == 0 ? 0.1f : 0f };
            }

            Assert.Equal(TrainRandom(spec, settings, seed, threads, fused: false), TrainRandom(spec, settings, seed, threads, fused: true));
        }, iter: 40);
    }

    private static List<byte[]> TrainRandom(ModelSpec spec, TrainingSettings[] settings, int seed, int threads, bool fused)
    {
        using var world = new World();
        List<(ModelSpec Spec, Entity Entity)> entities = [.. settings.Select((s, i) => (spec, spec.Spawn(world, s, (ulong)(seed + i))))];
        using var pipeline = new TrainingPipeline(Unfused(TrainingPipeline.DefaultStages(), fused), new PipelineOptions { Threads = threads });
        var bytes = new List<byte[]>();
        for (int t = 0; t < 4; t++)
        {
            SwarmWorld.WriteSamples(world, entities, t);
            pipeline.Run(world);
            bytes.AddRange(Snapshot(world, entities.Select(e => e.Entity)));
        }

        return bytes;
    }

    /// <summary>Mixed layouts and optimizers (plain SGD, SGD with momentum, Adam), K of 1 or 2, some clipping, over ticks
    /// in which some entities sit out for a NaN input, some overflow their outputs (held) and some get targets so far off
    /// that their gradient norm is beyond float (step skipped): every component's bytes after each tick.</summary>
    private static List<byte[]> Train(int threads, bool fused)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(60, seed: 9);
        using (world)
        {
            for (int i = 0; i < 6; i++)
            {
                ModelSpec spec = i % 2 == 0 ? SwarmWorld.Swarm : SwarmWorld.Small;
                TrainingSettings settings = i % 3 == 0 ? TrainingSettings.Adam(0.01f) : TrainingSettings.Sgd(0.02f);
                entities.Add((spec, spec.Spawn(world, settings with { MaxGradNorm = 0.25f }, (ulong)(100 + i))));
            }

            using var pipeline = new TrainingPipeline(Unfused(TrainingPipeline.DefaultStages(), fused), new PipelineOptions { Threads = threads });
            var states = new List<byte[]>();
            int held = 0, skipped = 0, clipped = 0, beyondFloat = 0;
            for (int t = 0; t < 8; t++)
            {
                SwarmWorld.WriteSamples(world, entities, t);
                for (int i = t % 3; i < entities.Count; i += 7)
                {
                    (ModelSpec spec, Entity entity) = entities[i];
                    Span<float> inputs = world.GetSpan<float>(entity, spec.Inputs);
                    if (spec == SwarmWorld.Small && (i + t) % 2 == 1)
                    {
                        inputs.Fill(t % 4 == 1 ? float.MaxValue : -float.MaxValue); // finite, so admitted; the relu net overflows
                    }
                    else
                    {
                        inputs[0] = float.NaN; // left out
                    }
                }

                for (int i = (t % 4) + 1; i < entities.Count; i += 9)
                {
                    if ((i - (t % 3)) % 7 == 0)
                    {
                        continue; // its inputs are bad this tick: it sits out anyway
                    }

                    (ModelSpec spec, Entity entity) = entities[i];
                    world.GetSpan<float>(entity, spec.Targets).Fill(t % 2 == 0 ? 3e38f : -3e38f); // finite; the norm is not
                }

                TickReport report = pipeline.Run(world);
                foreach ((ModelSpec spec, Entity entity) in entities)
                {
                    float norm = world.Get<TrainingState>(entity).GradientNorm;
                    bool gradientsFinite = world.GetSpan<float>(entity, spec.Gradients).ToArray().All(float.IsFinite);
                    TrainingSettings settings = world.Get<TrainingSettings>(entity);
                    bool plainSgd = settings.Optimizer == OptimizerKind.Sgd && settings.Momentum == 0f && settings.MaxGradNorm == 0f;
                    beyondFloat += float.IsInfinity(norm) && gradientsFinite && plainSgd ? 1 : 0;
                }

                held += report.OutputsHeld.Length;
                skipped += report.StepsSkipped.Length;
                clipped += report.Clipped.Length;
                states.AddRange(Snapshot(world, entities.Select(e => e.Entity)));
            }

            Assert.True(held > 0, "some forward passes overflowed, so outputs were held after a ZeroGrad had run");
            Assert.True(skipped > 0, "some gradient norms were beyond float, so steps were skipped");
            Assert.True(clipped > 0, "some entities clipped");
            Assert.True(beyondFloat > 0, $"some gradients were all finite but their norm beyond float ({beyondFloat})");
            return states;
        }
    }

    /// <summary>A game's world system that does nothing.</summary>
    private sealed class NoOpSystem : IWorldSystem
    {
        public string Name => "NoOpSystem";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Update(World world)
        {
        }
    }

    /// <summary>A game's stage that does nothing: between ZeroGrad and Backward it keeps them apart.</summary>
    private sealed class NoOpStage : IBlockStage
    {
        public string Name => "NoOp";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Execute(in ModelBlock block)
        {
        }
    }
}
