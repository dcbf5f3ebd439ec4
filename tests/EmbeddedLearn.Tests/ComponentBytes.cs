using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Tests;

/// <summary>
/// A component's state as bytes for comparisons: a run-time sized component's raw bytes; a struct component field by
/// field (each field's own bytes, floats by their bits), so struct padding, which holds no state and may differ between
/// two worlds with equal values (the JIT copies promoted structs field by field), never makes equal states differ.
/// </summary>
internal static class ComponentBytes
{
    public static byte[] Of(World world, Entity entity, ComponentType type)
    {
        byte[] raw = world.GetBytes(entity, type).ToArray();
        if (type.ClrType is not Type clr)
        {
            return raw;
        }

        object box = RuntimeHelpers.GetUninitializedObject(clr);
        Unsafe.CopyBlockUnaligned(ref Unsafe.As<StrongBox<byte>>(box).Value!, ref MemoryMarshal.GetArrayDataReference(raw), (uint)raw.Length);
        return Fields(box);
    }

    /// <summary>The fields of a boxed struct, each as its own bytes (floats by their bits).</summary>
    public static byte[] Fields(object value)
    {
        Type clr = value.GetType();
        var bytes = new List<byte>();
        foreach (FieldInfo field in clr.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            bytes.AddRange(field.GetValue(value) switch
            {
                float f => BitConverter.GetBytes(BitConverter.SingleToInt32Bits(f)),
                double d => BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(d)),
                bool b => [b ? (byte)1 : (byte)0],
                Enum e => BitConverter.GetBytes(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
                byte v => [v],
                int v => BitConverter.GetBytes(v),
                long v => BitConverter.GetBytes(v),
                ulong v => BitConverter.GetBytes(v),
                var other => throw new NotSupportedException($"{clr.Name}.{field.Name}: field type {other?.GetType().Name}"),
            });
        }

        return [.. bytes];
    }
}
