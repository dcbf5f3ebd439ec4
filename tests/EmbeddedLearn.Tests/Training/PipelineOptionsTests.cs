using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Options out of range are refused when the pipeline is made, naming the option and the value, before any
/// thread is started.</summary>
public sealed class PipelineOptionsTests
{
    public static TheoryData<PipelineOptions, string> Bad => new()
    {
        { new PipelineOptions { Threads = 0 }, "PipelineOptions.Threads must be in 1..256; got 0." },
        { new PipelineOptions { Threads = 30000 }, "PipelineOptions.Threads must be in 1..256; got 30000." },
        { new PipelineOptions { TrainingBudget = TimeSpan.FromMilliseconds(-1) }, "PipelineOptions.TrainingBudget must be above zero (or null for none); got -00:00:00.0010000." },
        { new PipelineOptions { TrainingBudget = TimeSpan.Zero }, "PipelineOptions.TrainingBudget must be above zero (or null for none); got 00:00:00." },
        { new PipelineOptions { Clock = null! }, "PipelineOptions.Clock must not be null (the default is StopwatchClock.Instance)." },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Options_out_of_range_are_refused_naming_the_option_and_the_value(PipelineOptions options, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingPipeline(TrainingPipeline.DefaultStages(), options));
        Assert.Equal(message + " (Parameter 'options')", error.Message);
    }

    [Fact]
    public void The_default_options_and_the_limits_themselves_are_accepted()
    {
        Assert.Null(new PipelineOptions().Problem());
        Assert.Null(new PipelineOptions { Threads = 1, TrainingBudget = TimeSpan.FromTicks(1) }.Problem());
        Assert.Null(new PipelineOptions { Threads = PipelineOptions.MaxThreads }.Problem());
        Assert.InRange(new PipelineOptions().Threads, 1, PipelineOptions.MaxThreads);
    }
}
