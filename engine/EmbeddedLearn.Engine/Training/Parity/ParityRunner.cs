using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Parity;

/// <summary>
/// Runs a <see cref="ParityCase"/> through the ECS pipeline tick by tick and compares outputs, loss, gradients,
/// parameters and whether the optimizer stepped with what PyTorch recorded, within relative 1e-4 with an absolute
/// floor of 1e-6.
/// </summary>
public static class ParityRunner
{
    /// <summary>Relative tolerance on every number.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Absolute floor: differences up to this pass whatever the expected value.</summary>
    public const double AbsoluteFloor = 1e-6;

    /// <summary>The pipeline a case calls for: the default stages, without ZeroGrad when the case never zeroes.</summary>
    public static TrainingPipeline DefaultPipeline(ParityCase parityCase, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        return new TrainingPipeline(TrainingPipeline.DefaultStages(parityCase.ZeroGrad), options);
    }

    /// <summary>Runs <paramref name="parityCase"/> with the pipeline <paramref name="createPipeline"/> makes
    /// (<see cref="DefaultPipeline"/> when null). <paramref name="afterTick"/>, when given, runs after every tick
    /// before the comparison (a device backend synchronises the host copy there).</summary>
    public static ParityResult Run(ParityCase parityCase, Func<ParityCase, TrainingPipeline>? createPipeline = null, Action<World>? afterTick = null)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        using var world = new World();
        using TrainingPipeline pipeline = (createPipeline ?? (c => DefaultPipeline(c)))(parityCase);
        ModelSpec spec = ModelSpec.Get(parityCase.Layout, parityCase.Batch);
        Entity entity = spec.Spawn(world, parityCase.Settings, parityCase.InitialParameters);
        var comparison = new Comparison(parityCase.Name);
        float[] actual = new float[parityCase.Layout.ParameterCount];
        for (int t = 0; t < parityCase.Ticks.Count; t++)
        {
            ParityTick tick = parityCase.Ticks[t];
            long stepsBefore = world.Get<TrainingState>(entity).OptimizerSteps;
            spec.WriteSamples(world, entity, tick.Inputs, tick.Targets);
            pipeline.Run(world);
            afterTick?.Invoke(world);
            comparison.Compare(t, "outputs", spec.ReadOutputs(world, entity), tick.Outputs);
            comparison.Compare(t, "loss", [world.Get<Loss>(entity).Value], [tick.Loss]);
            spec.ExportGradients(world, entity, actual);
            if (tick.GradientsAfterClip is float[] clipped)
            {
                // The guard clipped in place before the step: the gradients now are the clipped ones.
                comparison.Compare(t, "gradients_after_clip", actual, clipped);
                comparison.Compare(t, "grad_norm_before_clip", [world.Get<TrainingState>(entity).GradientNorm], [tick.GradientNormBeforeClip ?? float.NaN]);
            }
            else
            {
                comparison.Compare(t, "gradients_after_backward", actual, tick.GradientsAfterBackward);
            }

            spec.ExportParameters(world, entity, actual);
            comparison.Compare(t, "parameters_after_tick", actual, tick.ParametersAfterTick);
            bool stepped = world.Get<TrainingState>(entity).OptimizerSteps != stepsBefore;
            if (stepped != tick.Stepped && comparison.FirstFailure is null)
            {
                comparison.FirstFailure = string.Format(CultureInfo.InvariantCulture,
                    "tick {0}, stepped: expected {1}, got {2}", t, tick.Stepped, stepped);
            }
        }

        return new ParityResult(parityCase.Name, comparison.Worst, comparison.Count, comparison.FirstFailure);
    }

    /// <summary>The relative error of <paramref name="actual"/> against <paramref name="expected"/>, with the
    /// absolute floor folded in: <c>|a - e| / max(|e|, AbsoluteFloor / RelativeTolerance)</c>.</summary>
    public static double RelativeError(double actual, double expected) =>
        double.IsNaN(actual) ? double.PositiveInfinity : Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), AbsoluteFloor / RelativeTolerance);

    private sealed class Comparison(string name)
    {
        public double Worst { get; private set; }

        public int Count { get; private set; }

        public string? FirstFailure { get; set; }

        public void Compare(int tick, string field, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                double error = RelativeError(actual[i], expected[i]);
                Count++;
                Worst = Math.Max(Worst, error);
                if (error > RelativeTolerance && FirstFailure is null)
                {
                    FirstFailure = string.Format(CultureInfo.InvariantCulture,
                        "{0}: tick {1}, {2}[{3}]: expected {4:R}, got {5:R} (relative error {6:E2})",
                        name, tick, field, i, expected[i], actual[i], error);
                }
            }
        }
    }
}
