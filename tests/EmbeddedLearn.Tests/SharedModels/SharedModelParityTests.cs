using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using EmbeddedLearn.Training.SharedModels;
using Xunit;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>
/// A shared model against libtorch: every case of every fixture file (one PyTorch module trained on a batch of B rows,
/// tick by tick) replayed as a brain whose members each write some of those rows, so the brain's batch is the members'
/// concatenated samples. The outputs the members read, the loss, the gradients and the parameters after every tick
/// must match the module's within the parity tolerance, for members of one row each, for one member holding the whole
/// batch, and with free slots between the members, on every backend (the OpenCL one with each kernel family).
/// </summary>
public sealed class SharedModelParityTests
{
    private static readonly Dictionary<string, ParityFixture> Fixtures =
        FixturePath.All.ToDictionary(f => f, f => ParityFixtureReader.ReadFile(Path.Combine(FixturePath.Data, f)));

    /// <summary>How the batch is split among members.</summary>
    public enum Split
    {
        /// <summary>B members of one row each, in slots 0..B-1.</summary>
        RowPerMember,

        /// <summary>One member holding all B rows.</summary>
        OneMember,

        /// <summary>B members of one row each, with a free slot before each (members joined, then decoys left).</summary>
        FreeSlotsBetween,
    }

    public static TheoryData<TestBackend, string, string, Split> Cases()
    {
        var data = new TheoryData<TestBackend, string, string, Split>();
        foreach (TestBackend backend in Enum.GetValues<TestBackend>())
        {
            foreach ((string file, ParityFixture fixture) in Fixtures)
            {
                foreach (ParityCase c in fixture.Cases)
                {
                    foreach (Split split in Enum.GetValues<Split>())
                    {
                        data.Add(backend, file, c.Name, split);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_shared_model_trains_as_one_module_on_its_members_concatenated_batch(TestBackend backend, string file, string caseName, Split split)
    {
        ParityCase c = Fixtures[file].Cases.Single(x => x.Name == caseName);
        int members = split == Split.OneMember ? 1 : c.Batch;
        int rowsPerMember = c.Batch / members;
        int capacity = split == Split.FreeSlotsBetween ? 2 * members : members;
        SharedModelSpec spec = SharedModelSpec.Get(c.Layout, rowsPerMember, capacity);
        using var world = new World();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, SharedModelSpec.Stages(c.ZeroGrad));
        Entity brain = spec.Spawn(world, c.Settings, c.InitialParameters);
        Entity[] member = new Entity[members];
        var decoys = new List<Entity>();
        for (int m = 0; m < members; m++)
        {
            if (split == Split.FreeSlotsBetween)
            {
                decoys.Add(world.Create());
                spec.Join(world, brain, decoys[^1]);
            }

            member[m] = world.Create();
            Assert.Equal(split == Split.FreeSlotsBetween ? (2 * m) + 1 : m, spec.Join(world, brain, member[m]));
        }

        foreach (Entity decoy in decoys) // members that leave before the first tick: free slots between the others
        {
            spec.Leave(world, decoy);
            world.Destroy(decoy);
        }

        int nIn = c.Layout.InputWidth, nOut = c.Layout.OutputWidth;
        float[] outputs = new float[c.Batch * nOut], actual = new float[c.Layout.ParameterCount];
        for (int t = 0; t < c.Ticks.Count; t++)
        {
            ParityTick tick = c.Ticks[t];
            for (int m = 0; m < members; m++)
            {
                tick.Inputs.AsSpan(m * rowsPerMember * nIn, rowsPerMember * nIn).CopyTo(spec.Inputs(world, member[m]));
                tick.Targets.AsSpan(m * rowsPerMember * nOut, rowsPerMember * nOut).CopyTo(spec.Targets(world, member[m]));
            }

            long stepsBefore = world.Get<TrainingState>(brain).OptimizerSteps;
            pipeline.Run(world);
            for (int m = 0; m < members; m++)
            {
                spec.Outputs(world, member[m]).CopyTo(outputs.AsSpan(m * rowsPerMember * nOut));
            }

            ParityAssert.Close(t, "outputs", outputs, tick.Outputs);
            ParityAssert.Close(t, "loss", [world.Get<Loss>(brain).Value], [tick.Loss]);
            spec.Model.ExportGradients(world, brain, actual);
            ParityAssert.Close(t, "gradients", actual, tick.GradientsAfterClip ?? tick.GradientsAfterBackward);
            spec.Model.ExportParameters(world, brain, actual);
            ParityAssert.Close(t, "parameters", actual, tick.ParametersAfterTick);
            Assert.Equal(tick.Stepped, world.Get<TrainingState>(brain).OptimizerSteps != stepsBefore);
            Assert.Equal(new SharedModelState { Members = members, MembersInBatch = members, RowsInBatch = c.Batch },
                world.Get<SharedModelState>(brain));
        }
    }
}
