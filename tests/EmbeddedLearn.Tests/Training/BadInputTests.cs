using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Bad input gets a clear error naming what was wrong, and the world is unchanged.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Layout_with_a_zero_or_negative_width_is_refused_naming_the_width(int width)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ModelLayout([4, width, 2], Activation.Tanh));
        Assert.Contains("width 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is " + width, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_learning_rate_is_refused_naming_the_field_and_value()
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainingSettings.Sgd(-0.1f));
        Assert.Contains("LearningRate is -0.1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0f, 0.999f, "Beta1 is 1")]
    [InlineData(-0.1f, 0.999f, "Beta1 is -0.1")]
    [InlineData(0.9f, 1.5f, "Beta2 is 1.5")]
    public void Adam_betas_outside_zero_one_are_refused(float beta1, float beta2, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainingSettings.Adam(0.01f, beta1, beta2));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.9f, 0.1f)]
    public void Nesterov_without_momentum_or_with_dampening_is_refused_as_pytorch_does(float momentum, float dampening)
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainingSettings.Sgd(0.1f, momentum, dampening, nesterov: true));
        Assert.Contains("Nesterov momentum requires a momentum and zero dampening", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_of_the_wrong_length_are_refused_naming_entity_and_component_and_nothing_is_written()
    {
        using var world = new World();
        ModelSpec spec = SwarmWorld.Small;
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f), 1);
        float[] before = world.GetSpan<float>(entity, spec.Inputs).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => spec.WriteSamples(world, entity, new float[8], new float[6]));
        Assert.Contains(entity.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(spec.Inputs.Name, ex.Message, StringComparison.Ordinal);
        Assert.Contains("needs 9 floats; 8 were given", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, world.GetSpan<float>(entity, spec.Inputs).ToArray());
    }

    [Fact]
    public void WriteSamples_with_nan_names_the_element_and_writes_nothing()
    {
        using var world = new World();
        ModelSpec spec = SwarmWorld.Small;
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f), 1);
        float[] targets = new float[6];
        targets[4] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => spec.WriteSamples(world, entity, new float[9], targets));
        Assert.Contains(spec.Targets.Name + ", element 4 is NaN", ex.Message, StringComparison.Ordinal);
    }
}
