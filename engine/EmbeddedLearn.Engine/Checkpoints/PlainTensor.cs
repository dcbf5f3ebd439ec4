using System.Buffers.Binary;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// A plain (struct) component saved as one tensor per group, <c>model{g}.{Suffix}</c>, shape <c>[N, columns]</c>
/// (or <c>[N]</c> when <see cref="Columns"/> is empty), one row of <see cref="RowBytes"/> little-endian bytes per
/// entity. See <see cref="SavedComponents"/> for the list.
/// </summary>
internal abstract class PlainTensor
{
    /// <summary>The tensor name after the group prefix.</summary>
    public abstract string Suffix { get; }

    /// <summary>The safetensors dtype (<c>I64</c>, <c>F64</c>, ...).</summary>
    public abstract string DType { get; }

    /// <summary>Column names, written to the <c>columns</c> metadata; empty for a one-value row.</summary>
    public abstract string[] Columns { get; }

    /// <summary>Bytes per entity row.</summary>
    public int RowBytes => SafetensorsHeader.ElementSize(DType) * Math.Max(1, Columns.Length);

    /// <summary>Whether entities of <paramref name="group"/> carry this component.</summary>
    public abstract bool AppliesTo(ModelGroup group);

    /// <summary>Writes <paramref name="entity"/>'s component as one row.</summary>
    public abstract void Encode(World world, Entity entity, Span<byte> row);

    /// <summary>Checks a row read from a file for an entity of <paramref name="group"/>: null when it can be applied,
    /// else what is wrong (naming the column and the value).</summary>
    public abstract string? Check(ReadOnlySpan<byte> row, ModelGroup group);

    /// <summary>Sets <paramref name="entity"/>'s component from a row that passed <see cref="Check"/>.</summary>
    public abstract void Apply(World world, Entity entity, ReadOnlySpan<byte> row);

    /// <summary>Writes <paramref name="values"/> as little-endian I64 columns.</summary>
    protected static void WriteColumns(Span<byte> row, ReadOnlySpan<long> values)
    {
        for (int c = 0; c < values.Length; c++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(row[(8 * c)..], values[c]);
        }
    }

    /// <summary>Writes <paramref name="values"/> as little-endian F64 columns.</summary>
    protected static void WriteColumns(Span<byte> row, ReadOnlySpan<double> values)
    {
        for (int c = 0; c < values.Length; c++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(row[(8 * c)..], values[c]);
        }
    }

    /// <summary>I64 column <paramref name="column"/> of <paramref name="row"/>.</summary>
    protected static long ReadLong(ReadOnlySpan<byte> row, int column) => BinaryPrimitives.ReadInt64LittleEndian(row[(8 * column)..]);
}
