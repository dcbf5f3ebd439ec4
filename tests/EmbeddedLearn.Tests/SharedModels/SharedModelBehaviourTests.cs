using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.SharedModels;
using Xunit;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>Shared models beyond the libtorch fixtures: a member with bad data is left out alone, a brain with nothing
/// to learn from waits, bad calls are refused naming what was wrong, the same bits for any thread count, zero bytes per
/// checkpoints, and the same containment and waiting on the OpenCL backend as on the CPU.</summary>
public sealed class SharedModelBehaviourTests
{
    private static readonly ModelLayout Layout = ModelLayout.Parse("3,5,2", Activation.Tanh);

    [Fact]
    public void A_member_with_bad_data_is_left_out_alone_and_the_others_train_as_one_module_on_their_rows()
    {
        SharedModelSpec spec = SharedModelSpec.Get(Layout, memberBatch: 2, capacity: 4);
        TrainingSettings sgd = TrainingSettings.Sgd(0.1f);
        using var world = new World();
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages());
        Entity brain = spec.Spawn(world, sgd, seed: 3);
        Entity[] members = [.. Enumerable.Range(0, 4).Select(_ => world.Create())];
        foreach (Entity m in members)
        {
            spec.Join(world, brain, m);
        }

        var random = new Random(5);
        float[][] inputs = [.. Enumerable.Range(0, 4).Select(_ => Values(random, 6))];
        float[][] targets = [.. Enumerable.Range(0, 4).Select(_ => Values(random, 4))];
        Write(spec, world, members, inputs, targets);
        pipeline.Run(world); // a good tick: member 2 has outputs from it
        float[] heldOutputs = spec.Outputs(world, members[2]).ToArray();
        float[] before = new float[Layout.ParameterCount];
        spec.Model.ExportParameters(world, brain, before);

        inputs = [.. Enumerable.Range(0, 4).Select(_ => Values(random, 6))];
        targets = [.. Enumerable.Range(0, 4).Select(_ => Values(random, 4))];
        Write(spec, world, members, inputs, targets);
        spec.Inputs(world, members[2])[3] = float.NaN;
        TickReport report = pipeline.Run(world);

        // The reference: one module on the three good members' six rows, from the same parameters.
        ModelSpec alone = ModelSpec.Get(Layout, 6);
        using var reference = new World();
        using TrainingPipeline referencePipeline = TrainingPipeline.CreateDefault();
        Entity module = alone.Spawn(reference, sgd, before);
        int[] good = [0, 1, 3];
        alone.WriteSamples(reference, module, [.. good.SelectMany(m => inputs[m])], [.. good.SelectMany(m => targets[m])]);
        referencePipeline.Run(reference);

        Assert.Equal(new SharedModelState { Members = 4, MembersInBatch = 3, MembersLeftOut = 1, RowsInBatch = 6 }, world.Get<SharedModelState>(brain));
        Assert.Empty(report.LeftOut.ToArray());
        Assert.Equal(reference.Get<Loss>(module).Value, world.Get<Loss>(brain).Value);
        float[] expected = new float[Layout.ParameterCount], actual = new float[Layout.ParameterCount];
        alone.ExportParameters(reference, module, expected);
        spec.Model.ExportParameters(world, brain, actual);
        Assert.Equal(expected, actual);
        ReadOnlySpan<float> referenceOutputs = alone.ReadOutputs(reference, module);
        for (int k = 0; k < good.Length; k++)
        {
            Assert.Equal(referenceOutputs.Slice(k * 4, 4).ToArray(), spec.Outputs(world, members[good[k]]).ToArray());
        }

        Assert.Equal(heldOutputs, spec.Outputs(world, members[2]).ToArray()); // its last outputs, kept
    }

    [Fact]
    public void A_brain_whose_members_all_have_bad_data_or_that_has_none_waits_without_a_step_or_a_failure()
    {
        SharedModelSpec spec = SharedModelSpec.Get(Layout, memberBatch: 1, capacity: 3);
        using var world = new World();
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages());
        Entity empty = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 1);
        Entity bad = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 2);
        Entity member = world.Create();
        spec.Join(world, bad, member);
        spec.Inputs(world, member)[0] = float.PositiveInfinity;
        float[] before = new float[Layout.ParameterCount], after = new float[Layout.ParameterCount];
        spec.Model.ExportParameters(world, bad, before);

        TickReport report = pipeline.Run(world);

        Assert.Equal([empty, bad], report.Waiting.ToArray().OrderBy(e => e.Id));
        foreach (Entity brain in new[] { empty, bad })
        {
            TrainingState state = world.Get<TrainingState>(brain);
            Assert.Equal(TickOutcome.Waiting, state.Outcome);
            Assert.Equal(0, state.OptimizerSteps);
            Assert.Equal(0, state.ConsecutiveFailures);
        }

        spec.Model.ExportParameters(world, bad, after);
        Assert.Equal(before, after);
        Assert.Equal(new SharedModelState { Members = 1, MembersLeftOut = 1 }, world.Get<SharedModelState>(bad));
    }

    [Fact]
    public void When_a_quarantined_brains_forward_pass_overflows_every_member_keeps_its_own_last_outputs()
    {
        ModelLayout layout = ModelLayout.Parse("3,5,2", Activation.Identity);
        SharedModelSpec spec = SharedModelSpec.Get(layout, memberBatch: 1, capacity: 2);
        using var world = new World();
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages());
        float[] ones = [.. Enumerable.Repeat(1f, layout.ParameterCount)]; // every output sums its inputs: the largest overflow
        Entity brain = spec.Spawn(world, TrainingSettings.Sgd(0.1f), ones);
        Entity first = world.Create(), second = world.Create();
        spec.Join(world, brain, first);
        spec.Join(world, brain, second);
        world.Add(brain, new Quarantined()); // it only infers now, for its members too
        float[] seen = [0.5f, -0.25f, 1f], other = [-1f, 0.75f, 0.25f];
        seen.CopyTo(spec.Inputs(world, first));
        other.CopyTo(spec.Inputs(world, second));
        pipeline.Run(world);
        float[] firstOutputs = spec.Outputs(world, first).ToArray(), secondOutputs = spec.Outputs(world, second).ToArray();
        Assert.NotEqual(firstOutputs, secondOutputs);

        // The first member's bad input leaves it out, so the second's row moves to the front of the batch, where the
        // brain's held outputs still hold the first member's: the forward pass overflows and every member keeps its own.
        spec.Inputs(world, first)[0] = float.NaN;
        spec.Inputs(world, second).Fill(float.MaxValue);
        TickReport report = pipeline.Run(world);

        Assert.Equal([brain], report.OutputsHeld.ToArray());
        Assert.Equal(firstOutputs, spec.Outputs(world, first).ToArray());
        Assert.Equal(secondOutputs, spec.Outputs(world, second).ToArray());
    }

    [Fact]
    public void Bad_calls_are_refused_naming_the_brain_the_member_and_what_is_wrong_and_change_nothing()
    {
        SharedModelSpec spec = SharedModelSpec.Get(Layout, memberBatch: 1, capacity: 2);
        using var world = new World();
        Entity brain = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        Entity a = world.Create(), b = world.Create(), c = world.Create();
        spec.Join(world, brain, a);
        spec.Join(world, brain, b);

        var full = Assert.Throws<ArgumentException>(() => spec.Join(world, brain, c));
        Assert.StartsWith(c + " cannot join " + brain + ": its 2 member slots are all taken (shared [3,5,2] tanh", full.Message, StringComparison.Ordinal);
        Assert.False(world.Has<SharedMember>(c));
        var twice = Assert.Throws<ArgumentException>(() => spec.Join(world, brain, a));
        Assert.StartsWith(a + " is already a member of " + brain + " (slot 0)", twice.Message, StringComparison.Ordinal);
        var stranger = Assert.Throws<InvalidOperationException>(() => spec.Inputs(world, c));
        Assert.Equal(c + " is not a member of a shared model (no SharedMember component).", stranger.Message);
        var notBrain = Assert.Throws<InvalidOperationException>(() => spec.Join(world, c, a));
        Assert.StartsWith(c + " is not a brain of shared [3,5,2] tanh", notBrain.Message, StringComparison.Ordinal);
        var again = Assert.Throws<InvalidOperationException>(() => spec.Attach(world, brain));
        Assert.StartsWith(brain + " is a brain of ", again.Message, StringComparison.Ordinal);
        Assert.Equal(2, world.Get<SharedModelState>(brain).Members);

        spec.Leave(world, a);
        Assert.Equal(0, spec.Join(world, brain, c)); // the freed slot
        world.Destroy(b);
        Assert.Throws<InvalidOperationException>(() => spec.Inputs(world, b));
    }

    [Fact]
    public void Brains_give_the_same_bits_on_one_and_three_threads()
    {
        Assert.Equal(Train(threads: 1), Train(threads: 3));
    }

    [Fact]
    public void A_checkpoint_holds_the_shared_parameters_once_and_members_rejoin_a_loaded_brain_that_trains_on_bit_for_bit()
    {
        SharedModelSpec spec = SharedModelSpec.Get(Layout, memberBatch: 2, capacity: 3);
        string path = Path.Combine(Path.GetTempPath(), "shared-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using var world = new World();
            using var pipeline = new TrainingPipeline(SharedModelSpec.Stages());
            Entity brain = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 9);
            Entity[] members = [world.Create(), world.Create()];
            foreach (Entity m in members)
            {
                spec.Join(world, brain, m);
            }

            var random = new Random(1);
            Feed(spec, world, members, random, pipeline, ticks: 3);
            Assert.Equal([brain], Checkpoint.Save(world, path));

            using var loadedWorld = new World();
            using var loadedPipeline = new TrainingPipeline(SharedModelSpec.Stages());
            Entity loaded = Assert.Single(Checkpoint.Load(loadedWorld, path).Entities);
            spec.Attach(loadedWorld, loaded);
            Entity[] rejoined = [loadedWorld.Create(), loadedWorld.Create()];
            foreach (Entity m in rejoined)
            {
                spec.Join(loadedWorld, loaded, m);
            }

            Feed(spec, world, members, new Random(2), pipeline, ticks: 3);
            Feed(spec, loadedWorld, rejoined, new Random(2), loadedPipeline, ticks: 3);
            float[] expected = new float[Layout.ParameterCount], actual = new float[Layout.ParameterCount];
            spec.Model.ExportParameters(world, brain, expected);
            spec.Model.ExportParameters(loadedWorld, loaded, actual);
            Assert.Equal(expected, actual);
            Assert.Equal(world.Get<TrainingState>(brain).OptimizerSteps, loadedWorld.Get<TrainingState>(loaded).OptimizerSteps);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(TestBackend.OpenCl)]
    [InlineData(TestBackend.OpenClGpuKernels)]
    public void On_opencl_members_with_bad_data_are_left_out_and_brains_wait_exactly_as_on_the_cpu(TestBackend backend)
    {
        Contained cpu = Contain(TestBackend.Cpu);
        Contained device = Contain(backend);

        Assert.Equal(cpu.Waiting, device.Waiting);
        Assert.Equal(cpu.States, device.States);
        Assert.Contains(cpu.States, s => s.MembersLeftOut > 0 && s.MembersInBatch > 0); // some brains trained without a member
        Assert.Contains(cpu.Waiting, w => w.Length > 1); // the empty brain, and brain 0 when its only member's data was bad
        Assert.Equal(2, cpu.States[^2].MembersInBatch); // the quarantined brain's batch is still packed: it infers for its members
        OnBackend.AssertClose(cpu.Values.ToArray(), device.Values.ToArray());
        for (int i = 0; i < cpu.Counters.Length; i++)
        {
            OnBackend.AssertSameCounters(cpu.Counters[i], device.Counters[i], "brain " + i);
        }
    }

    /// <summary>Twelve brains and their members (<see cref="Populate"/>), a brain of two members quarantined on tick 4, an
    /// empty brain and an ordinary model in one world, eight ticks on <paramref name="backend"/>: every tick one member's
    /// target is NaN (a different one each tick), on tick 3 the only member of brain 0 has an infinite input (it waits),
    /// on tick 5 a member leaves and a newcomer joins. Records every tick's
    /// waiting entities, each brain's <see cref="SharedModelState"/>, and (as floats) each brain's loss, every member's
    /// outputs and the ordinary model's outputs, then every brain's parameters and counters.</summary>
    private static Contained Contain(TestBackend backend)
    {
        using var world = new World();
        (SharedModelSpec spec, Entity[] populated, List<Entity> members) = Populate(world);
        Entity doomed = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 98);
        for (int m = 0; m < 2; m++)
        {
            members.Add(world.Create());
            spec.Join(world, doomed, members[^1]);
        }

        Entity[] brains = [.. populated, doomed, spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 99)];
        ModelSpec plain = ModelSpec.Get(Layout, 4);
        Entity model = plain.Spawn(world, TrainingSettings.Adam(0.01f), seed: 7);
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, SharedModelSpec.Stages(), new PipelineOptions { Threads = 1 });
        var random = new Random(11);
        var result = new Contained();
        for (int t = 0; t < 8; t++)
        {
            if (t == 4)
            {
                world.Add(doomed, new Quarantined { SinceTick = t }); // from now on it only infers, for its members too
            }

            if (t == 5)
            {
                spec.Leave(world, members[3]);
                world.Destroy(members[3]);
                Entity newcomer = world.Create();
                spec.Join(world, world.Get<SharedMember>(members[4]).Brain, newcomer);
                members[3] = newcomer;
            }

            foreach (Entity m in members)
            {
                Fill(random, spec.Inputs(world, m));
                Fill(random, spec.Targets(world, m));
            }

            plain.WriteSamples(world, model, Values(random, 4 * Layout.InputWidth), Values(random, 4 * Layout.OutputWidth));
            spec.Targets(world, members[(3 * t) % members.Count])[1] = float.NaN;
            if (t == 3)
            {
                spec.Inputs(world, members[0])[0] = float.PositiveInfinity;
            }

            TickReport report = pipeline.Run(world);
            result.Waiting.Add([.. report.Waiting.ToArray().Select(e => e.Id).Order()]);
            foreach (Entity brain in brains)
            {
                result.States.Add(world.Get<SharedModelState>(brain));
                result.Values.Add(world.Get<Loss>(brain).Value);
            }

            foreach (Entity m in members)
            {
                result.Values.AddRange(spec.Outputs(world, m).ToArray());
            }

            result.Values.AddRange(plain.ReadOutputs(world, model).ToArray());
        }

        float[] parameters = new float[Layout.ParameterCount];
        foreach (Entity brain in brains)
        {
            spec.Model.ExportParameters(world, brain, parameters);
            result.Values.AddRange(parameters);
        }

        result.Counters = [.. brains.Select(b => world.Get<TrainingState>(b))];
        return result;
    }

    private static float[] Train(int threads)
    {
        using var world = new World();
        (SharedModelSpec spec, Entity[] brains, List<Entity> members) = Populate(world);
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages(), new PipelineOptions { Threads = threads });
        Feed(spec, world, [.. members], new Random(4), pipeline, ticks: 10);
        float[] all = new float[brains.Length * Layout.ParameterCount];
        for (int i = 0; i < brains.Length; i++)
        {
            spec.Model.ExportParameters(world, brains[i], all.AsSpan(i * Layout.ParameterCount, Layout.ParameterCount));
        }

        return all;
    }

    /// <summary>Twelve brains (SGD with momentum, Adam, AdamW in turn) with 1 to 6 members each.</summary>
    internal static (SharedModelSpec Spec, Entity[] Brains, List<Entity> Members) Populate(World world)
    {
        SharedModelSpec spec = SharedModelSpec.Get(Layout, memberBatch: 2, capacity: 6);
        TrainingSettings[] settings = [TrainingSettings.Sgd(0.05f, momentum: 0.9f), TrainingSettings.Adam(0.01f), TrainingSettings.AdamW(0.01f)];
        var brains = new Entity[12];
        var members = new List<Entity>();
        for (int i = 0; i < brains.Length; i++)
        {
            brains[i] = spec.Spawn(world, settings[i % 3], seed: (ulong)i);
            for (int m = 0; m <= i % 6; m++)
            {
                Entity member = world.Create();
                spec.Join(world, brains[i], member);
                members.Add(member);
            }
        }

        return (spec, brains, members);
    }

    private static void Feed(SharedModelSpec spec, World world, IReadOnlyList<Entity> members, Random random, TrainingPipeline pipeline, int ticks)
    {
        for (int t = 0; t < ticks; t++)
        {
            foreach (Entity m in members)
            {
                Fill(random, spec.Inputs(world, m));
                Fill(random, spec.Targets(world, m));
            }

            pipeline.Run(world);
        }
    }

    private static void Write(SharedModelSpec spec, World world, Entity[] members, float[][] inputs, float[][] targets)
    {
        for (int m = 0; m < members.Length; m++)
        {
            inputs[m].CopyTo(spec.Inputs(world, members[m]));
            targets[m].CopyTo(spec.Targets(world, members[m]));
        }
    }

    private static float[] Values(Random random, int count)
    {
        float[] values = new float[count];
        Fill(random, values);
        return values;
    }

    private static void Fill(Random random, Span<float> values)
    {
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = (random.NextSingle() * 2) - 1;
        }
    }
}
