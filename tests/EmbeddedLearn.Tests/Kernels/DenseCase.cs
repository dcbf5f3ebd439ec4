using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>A random network, batch and inputs drawn from a fixed seed, with its double-precision reference.</summary>
internal sealed class DenseCase
{
    public DenseCase(int seed)
    {
        var random = new Random(seed);
        int layers = 2 + (seed % 4);
        var widths = new int[layers + 1];
        for (int k = 0; k < widths.Length; k++)
        {
            widths[k] = random.Next(1, 41);
        }

        Layout = new ModelLayout(widths, (Activation)(seed % 5));
        Batch = random.Next(1, 10);
        Random = random;
        Init();
    }

    public DenseCase(ModelLayout layout, int batch, int seed)
    {
        Layout = layout;
        Batch = batch;
        Random = new Random(seed);
        Init();
    }

    public ModelLayout Layout { get; }

    public int Batch { get; }

    public Random Random { get; }

    public float[] Torch { get; private set; } = [];

    public float[] Engine { get; private set; } = [];

    public float[] Inputs { get; private set; } = [];

    public double[][] Reference { get; private set; } = [];

    public override string ToString() => $"{Layout} batch {Batch}";

    /// <summary>Runs the engine's forward pass and returns (activations, outputs).</summary>
    internal (float[] Activations, float[] Outputs) Forward(KernelPath path)
    {
        var act = new float[Batch * Layout.HiddenUnitCount];
        var outputs = new float[Batch * Layout.OutputWidth];
        DenseForward.Run(Layout, Batch, Engine, Inputs, act, outputs, path);
        return (act, outputs);
    }

    private void Init()
    {
        Engine = new float[Layout.ParameterCount];
        ParameterInit.Default(Layout, (ulong)Random.Next(), Engine);
        for (int k = 0; k < Engine.Length; k++)
        {
            Engine[k] *= 1.5f;
        }

        Torch = new float[Layout.ParameterCount];
        ParameterOrder.ExportTorch(Layout, Engine, Torch);
        Inputs = KernelAssert.RandomFloats(Random, Batch * Layout.InputWidth);
        Reference = ReferenceMlp.Forward(Layout, Batch, KernelAssert.ToDouble(Torch), KernelAssert.ToDouble(Inputs));
    }
}
