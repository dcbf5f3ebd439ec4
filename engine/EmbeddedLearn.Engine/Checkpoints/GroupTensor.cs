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

    /// <summary>What is wrong with a float row of this tensor, naming the column and the value, or null: parameters,
    /// momentum, Adam moments, a target network and a replay ring must be finite (the engine never writes anything
    /// else there: <c>ImportParameters</c> and <c>Record</c> refuse it, the guard never applies a non-finite step), and
    /// <c>exp_avg_sq</c> must not be negative. Gradients may hold what a skipped step left, so they are not checked.
    /// Plain tensors check their own rows (<see cref="PlainTensor.Check"/>).</summary>
    public string? CheckValues(ReadOnlySpan<byte> row)
    {
        if (Plain is not null || Vector is { Suffix: ".grad" })
        {
            return null;
        }

        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(row);
        bool secondMoment = Vector is { Suffix: ".exp_avg_sq" };
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v) || (secondMoment && v < 0f))
            {
                return string.Format(System.Globalization.CultureInfo.InvariantCulture, "column {0} holds {1}, which {2}", i, v,
                    float.IsFinite(v) ? "a second moment (exp_avg_sq) cannot be: it is a mean of squares" : "the engine never stores here");
            }
        }

        return null;
    }

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
