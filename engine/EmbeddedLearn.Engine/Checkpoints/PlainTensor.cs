using System.Buffers.Binary;
using System.Globalization;
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

    /// <summary>The range of I64 column <paramref name="column"/> that <see cref="CheckLongColumns"/> accepts for an
    /// entity of <paramref name="group"/> (default: at least 0).</summary>
    protected virtual (long Min, long Max) LongRange(int column, ModelGroup group) => (0L, long.MaxValue);

    /// <summary>Null when every I64 column of <paramref name="row"/> is within its <see cref="LongRange"/>, else the first
    /// column out of range, named with its value.</summary>
    protected string? CheckLongColumns(ReadOnlySpan<byte> row, ModelGroup group)
    {
        for (int c = 0; c < Columns.Length; c++)
        {
            long value = ReadLong(row, c);
            (long min, long max) = LongRange(c, group);
            if (value < min || value > max)
            {
                return max == long.MaxValue ? $"{Columns[c]} is {value}; it must be at least {min}" : $"{Columns[c]} is {value}; it must be from {min} to {max}";
            }
        }

        return null;
    }

    /// <summary>The integer range of F64 column <paramref name="column"/>, or null for a float32 column (default).</summary>
    protected virtual (double Min, double Max)? IntegerRange(int column) => null;

    /// <summary>Reads every F64 column of <paramref name="row"/> into <paramref name="values"/>; returns null when each
    /// integer column (<see cref="IntegerRange"/>) holds an integer in its range and each other column a float32 value (or
    /// NaN), else the first column that does not, named with its value.</summary>
    protected string? ReadDoubleColumns(ReadOnlySpan<byte> row, Span<double> values)
    {
        string? error = null;
        for (int c = 0; c < values.Length; c++)
        {
            double v = values[c] = BinaryPrimitives.ReadDoubleLittleEndian(row[(8 * c)..]);
            (double Min, double Max)? range = IntegerRange(c);
            bool ok = range is (double min, double max)
                ? v >= min && v <= max && Math.Floor(v) == v
                : double.IsNaN(v) || (double)(float)v == v;
            if (!ok && error is null)
            {
                error = string.Format(CultureInfo.InvariantCulture, "{0} column {1} is {2}; it must be {3}", Suffix, Columns[c], v,
                    range is (double low, double high)
                        ? string.Format(CultureInfo.InvariantCulture, "an integer from {0} to {1}", low, high)
                        : "a float32 value");
            }
        }

        return error;
    }
}
