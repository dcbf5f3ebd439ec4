using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// One tensor of a <see cref="ModelGroup"/> and where its rows come from: layer <see cref="Layer"/>'s weight
/// (<c>[out, in]</c> per entity, PyTorch's order; the engine stores <c>[in, out]</c>) or bias of a
/// <see cref="VectorPart"/>, a <see cref="PlainTensor"/>, or a <see cref="Raw"/> float component copied as it is (a
/// replay ring). Row <c>r</c> (<see cref="RowBytes"/> bytes) belongs to the group's entity <c>r</c>.
/// </summary>
internal sealed record GroupTensor(TensorInfo Info, int RowBytes, VectorPart? Vector, int Layer, bool Weight, PlainTensor? Plain)
{
    /// <summary>A run-time sized float component saved whole, in its own order (no vector or plain part).</summary>
    public ComponentType? Raw { get; init; }

    /// <summary>Copies between <paramref name="entity"/>'s component and its <paramref name="row"/> (little-endian,
    /// PyTorch's order): into the row when <paramref name="toRow"/> (saving), else from it (loading a row that passed
    /// the checks).</summary>
    public void Copy(World world, Entity entity, ModelLayout layout, Span<byte> row, bool toRow)
    {
        if (Plain is not null)
        {
            if (toRow)
            {
                Plain.Encode(world, entity, row);
            }
            else
            {
                Plain.Apply(world, entity, row);
            }

            return;
        }

        if (Raw is not null)
        {
            Span<byte> component = MemoryMarshal.AsBytes(world.GetSpan<float>(entity, Raw));
            (toRow ? component : row).CopyTo(toRow ? row : component);
            return;
        }

        Span<float> vector = world.GetSpan<float>(entity, Vector!.Component).Slice(Vector.Offset, layout.ParameterCount);
        Span<float> torch = MemoryMarshal.Cast<byte, float>(row);
        int inW = layout.LayerInput(Layer), outW = layout.LayerOutput(Layer);
        Span<float> engine = Weight ? vector.Slice(layout.WeightOffset(Layer), inW * outW) : vector.Slice(layout.BiasOffset(Layer), outW);
        if (!Weight)
        {
            (toRow ? engine : torch).CopyTo(toRow ? torch : engine);
        }
        else if (toRow)
        {
            Transpose(engine, torch, rows: inW, columns: outW);
        }
        else
        {
            Transpose(torch, engine, rows: outW, columns: inW);
        }
    }

    /// <summary><c>destination[c, r] = source[r, c]</c> for a row-major <c>[rows, columns]</c> source.</summary>
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                destination[(c * rows) + r] = source[(r * columns) + c];
            }
        }
    }
}
