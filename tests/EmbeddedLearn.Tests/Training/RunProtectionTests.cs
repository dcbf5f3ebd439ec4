using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Which runs of block stages the CPU backend backs up block by block (<c>Undoable</c>) and which it only names a
/// throw in (<c>Observed</c>): a game stage that may write, or any stage after a game's observer, needs the copy.</summary>
public sealed class RunProtectionTests
{
    [Theory]
    [InlineData("F B L", false, false)] // the engine's stages alone
    [InlineData("F B L o", false, true)] // an observer at the end
    [InlineData("F B L o o", false, true)]
    [InlineData("F B o L", true, false)] // an engine stage after the observer
    [InlineData("F B L o w", true, false)] // a game stage that may write after the observer
    [InlineData("F B L w", true, false)] // a game stage that may write
    [InlineData("w F B L", true, false)]
    [InlineData("o", false, true)]
    public void A_run_is_backed_up_unless_its_game_stages_all_observe_at_its_end(string run, bool undoable, bool observed)
    {
        IPipelineStage[] stages = [.. run.Split(' ').Select(Stage)];

        Assert.Equal((undoable, observed), CpuExecutor.Protection(stages, 0, stages.Length));
    }

    [Fact]
    public void Only_the_range_given_counts()
    {
        IPipelineStage[] stages = [new GameStage(observes: false), new ForwardStage(), new GameStage(observes: true)];

        Assert.Equal((false, true), CpuExecutor.Protection(stages, 1, 3));
        Assert.Equal((true, false), CpuExecutor.Protection(stages, 0, 3));
    }

    private static IPipelineStage Stage(string code) => code switch
    {
        "F" => new ForwardStage(),
        "B" => new BackwardStage(),
        "L" => new MseLossStage(),
        "o" => new GameStage(observes: true),
        _ => new GameStage(observes: false),
    };

    private sealed class GameStage(bool observes) : IBlockStage
    {
        public string Name => observes ? "Observer" : "Writer";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public bool ObservesOnly => observes;

        public void Execute(in ModelBlock block)
        {
        }
    }
}
