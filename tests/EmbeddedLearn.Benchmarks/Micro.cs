using System.Numerics.Tensors;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Benchmarks;

/// <summary>Per-kernel timings for the 8-32-32-2 batch-4 shapes (the quick mode of Program).</summary>
internal static unsafe class Micro
{
    public static void Run(Action<string, Action> quick)
    {
        var a = new float[4096]; var b = new float[4096]; var c = new float[4096]; var d = new float[4096];
        for (int k = 0; k < 4096; k++) { a[k] = (k % 13) * 0.01f; b[k] = (k % 7) * 0.02f; c[k] = 0.1f; d[k] = 0.3f; }
        fixed (float* pa = a, pb = b, pc = c, pd = d)
        {
            float* A = pa, B = pb, C = pc, D = pd;
            quick("tanh 128", () => { for (int r = 0; r < 1024; r++) TensorPrimitives.Tanh(new ReadOnlySpan<float>(A, 128), new Span<float>(C, 128)); });
            quick("act bwd tanh 128", () => { for (int r = 0; r < 1024; r++) ActivationKernels.BackwardInPlace(Activation.Tanh, new ReadOnlySpan<float>(A, 128), new Span<float>(C, 128)); });
            quick("fwd 32x32", () => { for (int r = 0; r < 1024; r++) LayerForward.Vector(4, 32, 32, A, B, D, C); });
            quick("fwd 8x32", () => { for (int r = 0; r < 1024; r++) LayerForward.Vector(4, 8, 32, A, B, D, C); });
            quick("fwd 32x2", () => { for (int r = 0; r < 1024; r++) LayerForward.Vector(4, 32, 2, A, B, D, C); });
            quick("dW 32x32", () => { for (int r = 0; r < 1024; r++) LayerWeightGradient.Vector(4, 32, 32, A, B, C, D); });
            quick("dW 8x32", () => { for (int r = 0; r < 1024; r++) LayerWeightGradient.Vector(4, 8, 32, A, B, C, D); });
            quick("dW 32x2", () => { for (int r = 0; r < 1024; r++) LayerWeightGradient.Vector(4, 32, 2, A, B, C, D); });
            quick("dX 32x32", () => { for (int r = 0; r < 1024; r++) LayerInputGradient.Vector(4, 32, 32, A, B, C); });
            quick("dX 32x2", () => { for (int r = 0; r < 1024; r++) LayerInputGradient.Vector(4, 32, 2, A, B, C); });
            var layout = ModelLayout.Parse("8,32,32,2", Activation.Tanh);
            TrainingSettings s = TrainingSettings.Sgd(0.01f);
            quick("sgd 1410", () => { for (int r = 0; r < 1024; r++) SgdStep.Run(s, false, new Span<float>(C, 1410), new ReadOnlySpan<float>(A, 1410), []); });
            quick("mse 8", () => { for (int r = 0; r < 1024; r++) MseLoss.Run(new ReadOnlySpan<float>(A, 8), new ReadOnlySpan<float>(B, 8), LossReduction.Mean, new Span<float>(C, 8), []); });
        }
    }
}
