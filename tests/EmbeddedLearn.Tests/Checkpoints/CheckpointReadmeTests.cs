using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>The documentation's checkpoint example, compiled and run; the page docs/checkpoints.md must quote it verbatim.</summary>
public sealed class CheckpointReadmeTests
{
    [Fact]
    public void The_readme_checkpoint_example_saves_loads_and_maps_keys_back_to_the_games_models()
    {
        using var folder = new TempFolder();
        string saveFolder = folder.Path;
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(ModelLayout.Parse("4,16,16,2", Activation.Tanh), batch: 4);
        long turretId = 7;
        Entity turret = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 1);

        // <example>
        // Give each model a key the game owns, so the game finds its models again after a load.
        world.Add(turret, new ModelKey(turretId));

        // Save: atomic (a crash leaves the previous file), and an OpenCL backend is synchronised first.
        string path = Path.Combine(saveFolder, "agents.safetensors");
        Checkpoint.Save(world, path);

        // Later, in a fresh world (a new session of the game): load, then map the keys back.
        using var restored = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(restored, path); // throws CheckpointException, changing nothing, on a bad file
        Entity again = loaded.ByKey[new ModelKey(turretId)];
        // </example>

        Assert.Equal(world.GetSpan<float>(turret, spec.Parameters).ToArray(), restored.GetSpan<float>(again, spec.Parameters).ToArray());
        Assert.Equal(world.Get<TrainingSettings>(turret), restored.Get<TrainingSettings>(again));
        Readme.ReadmeExample.AssertQuoted(indent: 8, page: "docs/checkpoints.md");
    }
}
