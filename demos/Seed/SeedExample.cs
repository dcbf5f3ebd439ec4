using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Demos.Seed;

/// <summary>The seed program: each PyTorch call of the tutorial is a pipeline of stages over one entity.</summary>
internal static class SeedExample
{
    private static readonly float[] X = [1f, 2f, 3f];
    private static readonly float[] Y = [2f, 4f, 6f];

    public static void Run(float[]? initial, ulong seed, bool backwardTwice, TextWriter output)
    {
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(new ModelLayout([1, 1], Activation.Identity), batch: 3);
        TrainingSettings sgd = TrainingSettings.Sgd(learningRate: 0.1f);
        Entity model = initial is null ? spec.Spawn(world, sgd, seed) : spec.Spawn(world, sgd, initial);
        spec.WriteSamples(world, model, X, Y);

        var options = new PipelineOptions { Threads = 1 };
        using var forwardAndLoss = new TrainingPipeline([new ForwardStage(), new MseLossStage()], options);
        using var backward = new TrainingPipeline([new BackwardStage()], options);
        using var step = new TrainingPipeline([new OptimizerStepStage(new SgdOptimizer())], options);
        using var zeroGrad = new TrainingPipeline([new ZeroGradStage()], options);

        forwardAndLoss.Run(world);
        output.WriteLine($"Loss before backward: {TorchFormat.Item(world.Get<Loss>(model).Value)}");
        backward.Run(world);
        PrintGradients(world, spec, model, output);
        if (backwardTwice)
        {
            output.WriteLine("# backward again without zero_grad: gradients accumulate (doubled)");
            forwardAndLoss.Run(world);
            backward.Run(world);
            PrintGradients(world, spec, model, output);
            output.WriteLine("# zero_grad stage, then forward, loss, backward: single again");
            zeroGrad.Run(world);
            forwardAndLoss.Run(world);
            backward.Run(world);
            PrintGradients(world, spec, model, output);
        }

        step.Run(world);
        forwardAndLoss.Run(world);
        output.WriteLine($"Loss after one update: {TorchFormat.Item(world.Get<Loss>(model).Value)}");
    }

    private static void PrintGradients(World world, ModelSpec spec, Entity model, TextWriter output)
    {
        float[] gradients = new float[spec.Layout.ParameterCount];
        spec.ExportGradients(world, model, gradients);
        output.WriteLine($"Gradients for weight: {TorchFormat.Matrix(gradients.AsSpan(0, 1), 1, 1)}");
        output.WriteLine($"Gradients for bias: {TorchFormat.Vector(gradients.AsSpan(1, 1))}");
    }
}
