using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>The kernels allocate nothing, counted over the whole process.</summary>
[Collection(Training.ProcessAllocationGroup.Name)]
public class NoAllocationTests
{
    [Fact]
    public void A_training_step_allocates_nothing()
    {
        var layout = ModelLayout.Parse("8,32,32,2", Activation.Tanh);
        const int batch = 4;
        var p = new float[layout.ParameterCount];
        var g = new float[layout.ParameterCount];
        var m = new float[layout.ParameterCount];
        var v = new float[layout.ParameterCount];
        ParameterInit.Default(layout, 1, p);
        float[] x = KernelAssert.RandomFloats(new Random(1), batch * 8);
        float[] t = KernelAssert.RandomFloats(new Random(2), batch * 2);
        var act = new float[batch * layout.HiddenUnitCount];
        var o = new float[batch * 2];
        var dOut = new float[batch * 2];
        var scratch = new float[DenseBackward.ScratchLength(layout, batch)];
        TrainingSettings sgd = TrainingSettings.Sgd(0.01f, momentum: 0.9f);
        TrainingSettings adam = TrainingSettings.Adam();

        void Step()
        {
            DenseForward.Run(layout, batch, p, x, act, o);
            MseLoss.Run(o, t, LossReduction.Mean, dOut, []);
            DenseBackward.Run(layout, batch, p, x, act, dOut, g, scratch);
            SgdStep.Run(sgd, false, p, g, m);
            AdamStep.Run(adam, 3, p, g, m, v);
        }

        // Past tiered compilation first, as the pipelines' allocation tests do: measured from the first call, the JIT's
        // tier-up was once seen allocating on this thread (7,056 bytes, with the hardware intrinsics switched off).
        Training.ProcessAllocations.AssertSteadyTicksAllocateNothing(Step, warmUp: 300, windows: 50);
    }
}
