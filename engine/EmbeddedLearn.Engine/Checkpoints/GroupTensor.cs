using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// One tensor of a <see cref="ModelGroup"/> and where its rows come from: layer <see cref="Layer"/>'s weight
/// (<c>[out, in]</c> per entity, PyTorch's order; the engine stores <c>[in, out]</c>) or bias of a
/// <see cref="VectorPart"/>, or a <see cref="PlainTensor"/>. Row <c>r</c> (<see cref="RowBytes"/> bytes) belongs to the
/// group's entity <c>r</c>.
/// </summary>
internal sealed record GroupTensor(TensorInfo Info, int RowBytes, VectorPart? Vector, int Layer, bool Weight, PlainTensor? Plain)
{
    /// <summary>Writes <paramref name="entity"/>'s row (little-endian) into <paramref name="row"/>.</summary>
    public void Encode(World world, Entity entity, ModelLayout layout, Span<byte> row)
    {
        if (Plain is not null)
        {
            Plain.Encode(world, entity, row);
            return;
        }

        ReadOnlySpan<float> engine = world.GetSpan<float>(entity, Vector!.Component).Slice(Vector.Offset, layout.ParameterCount);
        Span<float> torch = MemoryMarshal.Cast<byte, float>(row);
        int inW = layout.LayerInput(Layer), outW = layout.LayerOutput(Layer), w = layout.WeightOffset(Layer);
        if (!Weight)
        {
            engine.Slice(layout.BiasOffset(Layer), outW).CopyTo(torch);
            return;
        }

        for (int o = 0; o < outW; o++)
        {
            for (int i = 0; i < inW; i++)
            {
                torch[(o * inW) + i] = engine[w + (i * outW) + o];
            }
        }
    }

    /// <summary>Sets <paramref name="entity"/>'s component from <paramref name="row"/>, the inverse of
    /// <see cref="Encode"/>.</summary>
    public void Decode(World world, Entity entity, ModelLayout layout, ReadOnlySpan<byte> row)
    {
        if (Plain is not null)
        {
            Plain.Apply(world, entity, row);
            return;
        }

        Span<float> engine = world.GetSpan<float>(entity, Vector!.Component).Slice(Vector.Offset, layout.ParameterCount);
        ReadOnlySpan<float> torch = MemoryMarshal.Cast<byte, float>(row);
        int inW = layout.LayerInput(Layer), outW = layout.LayerOutput(Layer), w = layout.WeightOffset(Layer);
        if (!Weight)
        {
            torch.CopyTo(engine.Slice(layout.BiasOffset(Layer), outW));
            return;
        }

        for (int o = 0; o < outW; o++)
        {
            for (int i = 0; i < inW; i++)
            {
                engine[w + (i * outW) + o] = torch[(o * inW) + i];
            }
        }
    }
}
