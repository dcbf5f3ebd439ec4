using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game's own block stage with CPU code and device code: after the step, each trainable entity's parameters
/// shrink by a factor, and its loss is replaced by the sum of its outputs (a stage that reads outputs and writes a
/// result the host reads back).</summary>
internal sealed class ShrinkParametersStage(float factor, string? brokenSource = null) : IBlockStage
{
    public string Name => "ShrinkParameters";

    public ModelData Reads => ModelData.Parameters | ModelData.Outputs;

    public ModelData Writes => ModelData.Parameters | ModelData.Loss;

    public DeviceBody Device => new("shrink_parameters", brokenSource ?? $$"""
        inline void shrink_parameters(long S, int P, int count, __global float* p, __global const float* y, __global float* loss, vi on)
        {
            for (int i = 0; i < P; i++) STM(p, i, LD(p, i) * {{factor.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}f);
            vf sum = 0.0f;
            for (int i = 0; i < count; i++) sum += LD(y, i);
            STM(loss, 0, sum);
        }
        """, [DeviceArgument.ParameterCount, DeviceArgument.OutputCount, DeviceArgument.Parameters, DeviceArgument.Outputs, DeviceArgument.Loss]);

    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        int p = block.Spec.Layout.ParameterCount;
        int count = block.Spec.Outputs.ElementCount;
        Span<float> parameters = block.Floats(block.Spec.Parameters);
        ReadOnlySpan<float> outputs = block.Floats(block.Spec.Outputs);
        Span<Components.Loss> losses = block.Losses;
        for (int e = 0; e < block.Count; e++)
        {
            if (block.IsLeftOut(e))
            {
                continue;
            }

            foreach (ref float v in parameters.Slice(e * p, p))
            {
                v *= factor;
            }

            float sum = 0f;
            foreach (float y in outputs.Slice(e * count, count))
            {
                sum += y;
            }

            losses[e].Value = sum;
        }
    }
}
