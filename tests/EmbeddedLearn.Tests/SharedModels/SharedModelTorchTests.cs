using System.Text.Json;
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
/// Shared models against torch-shared.json (peer/ParityGenerator, <c>--shared-out</c>): members that come and go, one
/// PyTorch module trained each tick on the present members' concatenated rows. A member absent from a tick either has
/// left the brain (and joins again later, taking the lowest free slot, so the batch's rows may come in another order
/// than the module's: the same loss and gradient up to rounding) or stays joined with a NaN input (left out alone); both
/// must give libtorch's outputs, loss, gradients and parameters, tick by tick, within the parity tolerance, on every
/// backend (the OpenCL one with each kernel family).
/// </summary>
public sealed class SharedModelTorchTests
{
    private static readonly JsonElement[] Cases = ReadCases();

    /// <summary>What an absent member does.</summary>
    public enum Absence
    {
        /// <summary>It leaves the brain, and joins again when it is present.</summary>
        Leaves,

        /// <summary>It stays joined with a NaN input.</summary>
        BadData,
    }

    public static TheoryData<TestBackend, string, Absence> Names()
    {
        var data = new TheoryData<TestBackend, string, Absence>();
        foreach (TestBackend backend in Enum.GetValues<TestBackend>())
        {
            foreach (JsonElement c in Cases)
            {
                data.Add(backend, c.GetProperty("name").GetString()!, Absence.Leaves);
                data.Add(backend, c.GetProperty("name").GetString()!, Absence.BadData);
            }
        }

        return data;
    }

    [Fact]
    public void The_fixture_holds_five_cases_from_libtorch_with_members_absent_on_some_ticks()
    {
        Assert.Equal(5, Cases.Length);
        Assert.All(Cases, c => Assert.Contains(c.GetProperty("ticks").EnumerateArray(),
            t => t.GetProperty("present").GetArrayLength() < c.GetProperty("capacity").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_shared_model_trains_as_one_module_on_the_present_members_rows(TestBackend backend, string name, Absence absence)
    {
        JsonElement c = Cases.Single(x => x.GetProperty("name").GetString() == name);
        int[] widths = Ints(c.GetProperty("layers"));
        var layout = new ModelLayout(widths, ActivationNames.Parse(c.GetProperty("hidden_activation").GetString()!));
        int capacity = c.GetProperty("capacity").GetInt32(), b = c.GetProperty("rows_per_member").GetInt32();
        int nIn = widths[0], nOut = widths[^1];
        SharedModelSpec spec = SharedModelSpec.Get(layout, b, capacity);
        TrainingSettings settings = ParityFixtureReader.ReadSettings(c, name);
        using var world = new World();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, SharedModelSpec.Stages());
        Entity brain = spec.Spawn(world, settings, Floats(c.GetProperty("initial_parameters")));
        Entity[] members = [.. Enumerable.Range(0, capacity).Select(_ => world.Create())];
        bool[] joined = new bool[capacity];
        float[] actual = new float[layout.ParameterCount];
        int t = 0;
        foreach (JsonElement tick in c.GetProperty("ticks").EnumerateArray())
        {
            int[] present = Ints(tick.GetProperty("present"));
            float[] inputs = Floats(tick.GetProperty("inputs")), targets = Floats(tick.GetProperty("targets"));
            for (int m = 0; m < capacity; m++)
            {
                bool isPresent = present.Contains(m);
                if (joined[m] && !isPresent && absence == Absence.Leaves)
                {
                    spec.Leave(world, members[m]);
                    joined[m] = false;
                }
            }

            for (int m = 0; m < capacity; m++)
            {
                bool isPresent = present.Contains(m);
                if (!joined[m] && (isPresent || absence == Absence.BadData))
                {
                    int slot = spec.Join(world, brain, members[m]); // the lowest free slot: the batch is in slot order,
                    Assert.True(absence == Absence.Leaves || slot == m); // a reordering of the module's rows when members returned
                    joined[m] = true;
                }

                if (joined[m])
                {
                    inputs.AsSpan(m * b * nIn, b * nIn).CopyTo(spec.Inputs(world, members[m]));
                    targets.AsSpan(m * b * nOut, b * nOut).CopyTo(spec.Targets(world, members[m]));
                    if (!isPresent)
                    {
                        spec.Inputs(world, members[m])[^1] = float.NaN;
                    }
                }
            }

            pipeline.Run(world);
            float[] outputs = [.. present.SelectMany(m => spec.Outputs(world, members[m]).ToArray())];
            ParityAssert.Close(t, "outputs", outputs, Floats(tick.GetProperty("outputs")));
            ParityAssert.Close(t, "loss", [world.Get<Loss>(brain).Value], [tick.GetProperty("loss").GetSingle()]);
            spec.Model.ExportGradients(world, brain, actual);
            ParityAssert.Close(t, "gradients", actual, Floats(tick.GetProperty("gradients_after_backward")));
            spec.Model.ExportParameters(world, brain, actual);
            ParityAssert.Close(t, "parameters", actual, Floats(tick.GetProperty("parameters_after_tick")));
            SharedModelState state = world.Get<SharedModelState>(brain);
            Assert.Equal((present.Length, present.Length * b), (state.MembersInBatch, state.RowsInBatch));
            Assert.Equal(absence == Absence.BadData ? capacity - present.Length : 0, state.MembersLeftOut);
            t++;
        }
    }

    private static JsonElement[] ReadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePath.Data, "torch-shared.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetInt32())];

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetSingle())];
}
