using System.Text.Json;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Arena.Tests;

/// <summary><c>--checkpoint FILE</c> in headless runs (in this process): a resumed run ends bit for bit where one longer
/// run ends, saves come every few seconds of game time, and a file of another arena is refused.</summary>
public sealed class ArenaCheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arena-checkpoint-").FullName;

    [Fact]
    public void A_run_resumed_from_its_checkpoint_ends_bit_for_bit_where_one_longer_run_ends()
    {
        string resumed = Path.Combine(_directory, "resumed.safetensors"), straight = Path.Combine(_directory, "straight.safetensors");

        Run(resumed, frames: 120, threads: 1, badSensors: 0.25);
        long[] counters = Run(resumed, frames: 120, threads: 1, badSensors: 0.25);
        Run(straight, frames: 240, threads: 2, badSensors: 0.25);

        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(resumed));
        Assert.Equal("{\"frames\":240}\n", File.ReadAllText(ArenaScene.ClockPath(resumed)));
        // The healthy learners' counters went on from 120 (one backward pass per frame); the broken ones never trained.
        Assert.Equal(18, counters.Count(c => c == 240));
        Assert.Equal(6, counters.Count(c => c == 0));
        JsonElement summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "out", "summary.json"))).RootElement;
        Assert.Equal(240, summary.GetProperty("last_frame").GetInt64());
    }

    [Fact]
    public void A_headless_run_saves_every_few_seconds_of_game_time_and_at_its_end()
    {
        string path = Path.Combine(_directory, "periodic.safetensors");
        var options = Options(path, threads: 1, badSensors: 0) with { CheckpointEverySeconds = 1 };
        ArenaCheckpoint checkpoint = options.CreateCheckpoint()!;
        using (ArenaScene scene = options.CreateScene(log: null))
        {
            HeadlessRun.Run(scene, frames: 150, Path.Combine(_directory, "out"), output: null, checkpoint);
        }

        Assert.Equal(60, checkpoint.FramesBetweenSaves);
        Assert.Equal(3, checkpoint.Saves); // frames 60 and 120, and the end (150)
        Assert.Equal("{\"frames\":150}\n", File.ReadAllText(ArenaScene.ClockPath(path)));
    }

    [Theory]
    [InlineData("key of group 5", "model key 21474836480 names group 5; this arena has groups 0..2")]
    [InlineData("no key", "1 of its 1 models carry no ModelKey")]
    [InlineData("other layout", "the learner of turret 0 of group 0 (Adam lr 0.01, 4-16-16-2 tanh) is not a trainable model of layout [4,16,16,2] tanh")]
    [InlineData("learner without aimer", "it holds 1 models; 1 turrets (learner and aimer each) make 2")]
    public void A_checkpoint_of_another_arena_is_refused_naming_the_file_and_what_does_not_fit(string kind, string problem)
    {
        string path = Path.Combine(_directory, "other.safetensors");
        using (var world = new World())
        {
            var spec = EmbeddedLearn.Training.ModelSpec.Get(new ModelLayout(kind == "other layout" ? [4, 8, 2] : [4, 16, 16, 2], Activation.Tanh), ArenaScene.Batch);
            Entity model = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 1);
            int group = kind == "key of group 5" ? 5 : 0;
            if (kind != "no key")
            {
                world.Add(model, ArenaScene.LearnerKey(group, 0));
            }

            if (kind is "key of group 5" or "other layout")
            {
                world.Add(spec.SpawnInference(world, seed: 2), ArenaScene.AimerKey(group, 0));
            }

            Checkpoint.Save(world, path);
        }

        byte[] before = File.ReadAllBytes(path);

        CheckpointException error = Assert.Throws<CheckpointException>(() => Options(path, threads: 1, badSensors: 0).CreateScene(log: null));

        Assert.Equal("Checkpoint '" + path + "': it does not fit this arena: " + problem + ". The arena did not start; the file is unchanged.", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("{\"frames\":-1}")]
    [InlineData("{\"frames\":\"12\"}")]
    [InlineData("frames 12")]
    public void A_bad_clock_file_is_refused_naming_it(string clock)
    {
        string path = Path.Combine(_directory, "clock.safetensors");
        Run(path, frames: 10, threads: 1, badSensors: 0);
        File.WriteAllText(ArenaScene.ClockPath(path), clock);

        CheckpointException error = Assert.Throws<CheckpointException>(() => Options(path, threads: 1, badSensors: 0).CreateScene(log: null));

        Assert.StartsWith("Checkpoint '" + ArenaScene.ClockPath(path) + "': the arena's clock is not {\"frames\": N}", error.Message, StringComparison.Ordinal);
        Assert.Equal(clock, File.ReadAllText(ArenaScene.ClockPath(path)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ArenaOptions Options(string checkpoint, int threads, double badSensors) =>
        new(TurretsPerGroup: 8, threads, BudgetMs: null, ArenaBackend.Cpu, Seed: 3, badSensors, checkpoint);

    /// <summary>Runs <paramref name="frames"/> frames headless with the checkpoint; returns every learner's backward passes.</summary>
    private long[] Run(string checkpoint, int frames, int threads, double badSensors)
    {
        ArenaOptions options = Options(checkpoint, threads, badSensors);
        using ArenaScene scene = options.CreateScene(log: null);
        HeadlessRun.Run(scene, frames, Path.Combine(_directory, "out"), output: null, options.CreateCheckpoint());
        return [.. scene.Groups.SelectMany(g => g.Turrets).Select(t => scene.World.Get<TrainingState>(t.Learner).BackwardPasses)];
    }
}
