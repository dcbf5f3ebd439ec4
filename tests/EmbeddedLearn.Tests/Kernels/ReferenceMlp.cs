using EmbeddedLearn.Components;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>Naive double-precision dense network in PyTorch order (weight [out, in] then bias per layer).</summary>
internal static class ReferenceMlp
{
    public static double Activate(Activation a, double z) => a switch
    {
        Activation.Relu => z > 0 ? z : 0,
        Activation.LeakyRelu => z > 0 ? z : 0.01 * z,
        Activation.Tanh => Math.Tanh(z),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        _ => z,
    };

    public static double Derivative(Activation a, double y) => a switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.LeakyRelu => y > 0 ? 1 : 0.01,
        Activation.Tanh => 1 - (y * y),
        Activation.Sigmoid => y * (1 - y),
        _ => 1,
    };

    /// <summary>Returns the post-activation output of every layer (the last is the model output, linear).</summary>
    public static double[][] Forward(ModelLayout layout, int batch, double[] p, double[] x)
    {
        var values = new double[layout.LayerCount][];
        double[] input = x;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
            var y = new double[batch * outW];
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < outW; o++)
                {
                    double s = p[layout.BiasOffset(l) + o];
                    for (int i = 0; i < inW; i++)
                    {
                        s += input[(b * inW) + i] * p[layout.WeightOffset(l) + (o * inW) + i];
                    }

                    y[(b * outW) + o] = l == layout.LayerCount - 1 ? s : Activate(layout.HiddenActivation, s);
                }
            }

            values[l] = y;
            input = y;
        }

        return values;
    }

    /// <summary>Gradients (torch order) of the loss whose output gradient is <paramref name="dOut"/>.</summary>
    public static double[] Backward(ModelLayout layout, int batch, double[] p, double[] x, double[][] values, double[] dOut)
    {
        var g = new double[layout.ParameterCount];
        double[] dz = dOut;
        for (int l = layout.LayerCount - 1; l >= 0; l--)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
            double[] input = l == 0 ? x : values[l - 1];
            var dx = new double[batch * inW];
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < outW; o++)
                {
                    double d = dz[(b * outW) + o];
                    g[layout.BiasOffset(l) + o] += d;
                    for (int i = 0; i < inW; i++)
                    {
                        g[layout.WeightOffset(l) + (o * inW) + i] += d * input[(b * inW) + i];
                        dx[(b * inW) + i] += d * p[layout.WeightOffset(l) + (o * inW) + i];
                    }
                }
            }

            if (l > 0)
            {
                for (int k = 0; k < dx.Length; k++)
                {
                    dx[k] *= Derivative(layout.HiddenActivation, input[k]);
                }
            }

            dz = dx;
        }

        return g;
    }

    /// <summary>Flattens the hidden layers' values layer-major, as the engine's activation buffer.</summary>
    public static double[] Hidden(double[][] values) => values.Take(values.Length - 1).SelectMany(v => v).ToArray();
}
