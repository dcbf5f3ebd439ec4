using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Checkpoints;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>A PPO brain saved mid-training loads as a brain: its model, log-std and its optimizer state, settings,
/// counters and random streams; no members and an empty rollout, which its members fill again after joining. Files of
/// format version 2 (before brains) still load.</summary>
public sealed class PpoCheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ppo-checkpoints-" + Guid.NewGuid().ToString("N"));

    public PpoCheckpointTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData(PpoActionKind.Continuous)]
    [InlineData(PpoActionKind.Discrete)]
    public void A_brain_saved_mid_training_loads_as_a_brain_and_its_members_rejoin(PpoActionKind kind)
    {
        using var reach = new PpoReach(brains: 2, members: 6, kind, horizon: 6, minibatch: 16); // an update: 6 ticks
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        for (int t = 0; t < 14; t++)
        {
            reach.Step(pipeline);
        }

        PpoSpec spec = reach.Spec;
        ModelSpec model = spec.Model;
        Entity brain = reach.Brains[1];
        Assert.True(reach.World.Get<PpoState>(brain).Updating); // saved in the middle of an update
        string path = Path.Combine(_folder, "brains.safetensors");
        Assert.Equal(reach.Brains, Checkpoint.Save(reach.World, path)); // the members hold no model

        using var a = new World();
        using var b = new World();
        Entity loadedA = Checkpoint.Load(a, path).Entities[1];
        Entity loadedB = Checkpoint.Load(b, path).Entities[1];
        Assert.Equal(reach.World.GetSpan<float>(brain, model.Parameters).ToArray(), a.GetSpan<float>(loadedA, model.Parameters).ToArray());
        Assert.Equal(reach.World.GetSpan<float>(brain, model.AdamMoments).ToArray(), a.GetSpan<float>(loadedA, model.AdamMoments).ToArray());
        Assert.Equal(reach.World.Get<TrainingState>(brain) with { Outcome = TickOutcome.None }, a.Get<TrainingState>(loadedA)); // outcomes are per tick
        Assert.Equal(reach.World.Get<PpoSettings>(brain), a.Get<PpoSettings>(loadedA));
        if (spec.LogStd is not null)
        {
            Assert.Equal(spec.ReadLogStd(reach.World, brain).ToArray(), spec.ReadLogStd(a, loadedA).ToArray());
            Assert.Equal(reach.World.GetSpan<float>(brain, spec.LogStdState!).ToArray(), a.GetSpan<float>(loadedA, spec.LogStdState!).ToArray());
        }

        PpoState saved = reach.World.Get<PpoState>(brain);
        Assert.Equal(saved with { Step = 0, Collecting = 0, Updating = false, Epoch = 0, Minibatch = 0, Rows = 0, MinibatchRows = 0 },
            a.Get<PpoState>(loadedA));
        Assert.Equal(0, spec.MemberCount(a, loadedA));

        // Members join the loaded brains again; both loaded worlds then act and learn the same bits, and they train.
        float[] Run(World world, Entity loaded)
        {
            var members = new Entity[6];
            for (int i = 0; i < members.Length; i++)
            {
                members[i] = world.Create();
                spec.Join(world, loaded, members[i]);
            }

            using var again = new TrainingPipeline(PpoSpec.Stages());
            Span<float> seen = stackalloc float[2];
            for (int t = 0; t < 16; t++)
            {
                for (int i = 0; i < members.Length; i++)
                {
                    seen[0] = (i - t) * 0.05f;
                    seen[1] = 0.3f - seen[0];
                    spec.Observe(world, members[i], seen);
                }

                again.Run(world);
                for (int i = 0; i < members.Length; i++)
                {
                    spec.Reward(world, members[i], -Math.Abs(spec.Action(world, members[i])[0] - 1f), done: t % 5 == 4);
                }
            }

            return world.GetSpan<float>(loaded, model.Parameters).ToArray();
        }

        float[] fromA = Run(a, loadedA);
        Assert.Equal(fromA, Run(b, loadedB));
        Assert.NotEqual(reach.World.GetSpan<float>(brain, model.Parameters).ToArray(), fromA);
        Assert.True(a.Get<PpoState>(loadedA).Updates > saved.Updates);
    }

    [Fact]
    public void A_file_of_format_version_2_still_loads()
    {
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(ModelLayout.Parse("3,4,2", Activation.Tanh), 2);
        Entity model = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 4);
        string path = Path.Combine(_folder, "v3.safetensors");
        Checkpoint.Save(world, path);

        // The same file as version 2 wrote it: no "ppo" field, version 2's plain tensors in the columns.
        byte[] file = File.ReadAllBytes(path);
        JsonObject header = CheckpointAttackTests.Header(file);
        JsonObject metadata = header["__metadata__"]!.AsObject();
        JsonArray models = JsonNode.Parse(metadata["models"]!.GetValue<string>())!.AsArray();
        models[0]!.AsObject().Remove("ppo");
        metadata["models"] = models.ToJsonString();
        metadata["format_version"] = "2";
        JsonObject columns = JsonNode.Parse(metadata["columns"]!.GetValue<string>())!.AsObject();
        columns.Remove("ppo_settings");
        columns.Remove("ppo_state");
        metadata["columns"] = columns.ToJsonString();
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        byte[] data = file[(8 + n)..];
        ulong hash = System.IO.Hashing.XxHash64.HashToUInt64([.. Encoding.UTF8.GetBytes(metadata["models"]!.GetValue<string>()), .. data]);
        metadata["checksum"] = "xxhash64:" + hash.ToString("x16");
        string v2 = Path.Combine(_folder, "v2.safetensors");
        File.WriteAllBytes(v2, CheckpointAttackTests.Rebuild(header, file));

        using var loadedWorld = new World();
        Entity loaded = Checkpoint.Load(loadedWorld, v2).Entities.Single();
        Assert.Equal(world.GetSpan<float>(model, spec.Parameters).ToArray(), loadedWorld.GetSpan<float>(loaded, spec.Parameters).ToArray());
        Assert.Equal(world.Get<TrainingSettings>(model), loadedWorld.Get<TrainingSettings>(loaded));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
