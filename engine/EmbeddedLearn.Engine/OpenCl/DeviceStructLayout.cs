using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Struct components that go to the device as they are, as 32-bit words (<see cref="DeviceColumn.Words"/>): for each,
/// <c>#define NAME_WORDS</c> (its size in words) and <c>#define NAME_FIELD</c> (each field's byte offset in managed
/// memory), derived from the struct itself, so device code reads the fields where the host wrote them. Device code
/// reads a field with common.cl's lane helpers (<c>EL_GET_I</c>, <c>EL_SET_L</c> ...).
/// </summary>
internal static class DeviceStructLayout
{
    /// <summary>The defines of the structs device code reads: <see cref="QLearningSettings"/>, <see cref="QAgentState"/>,
    /// <see cref="ReplayState"/>, <see cref="SharedModelState"/>, <see cref="PpoSettings"/>, <see cref="PpoState"/> and
    /// <see cref="PpoStats"/>.</summary>
    public static string Header()
    {
        var text = new StringBuilder();
        Describe<QLearningSettings>(text);
        Describe<QAgentState>(text);
        Describe<ReplayState>(text);
        Describe<SharedModelState>(text);
        Describe<PpoSettings>(text);
        Describe<PpoState>(text);
        Describe<PpoStats>(text);
        return text.ToString();
    }

    /// <summary>The size of <typeparamref name="T"/> in 32-bit words.</summary>
    public static int Words<T>()
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        return size % sizeof(int) == 0 ? size / sizeof(int)
            : throw new InvalidOperationException(typeof(T).Name + " is " + size + " bytes, not whole 32-bit words: it cannot go to the device.");
    }

    private static void Describe<T>(StringBuilder text)
        where T : unmanaged
    {
        string prefix = typeof(T).Name.ToUpperInvariant();
        Append(text, prefix + "_WORDS", Words<T>());
        foreach (FieldInfo field in typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Append(text, prefix + "_" + FieldName(field).ToUpperInvariant(), OffsetOf<T>(field));
        }
    }

    /// <summary>The property name behind an auto-property's backing field (<c>&lt;Gamma&gt;k__BackingField</c>: Gamma).</summary>
    private static string FieldName(FieldInfo field) =>
        field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)] : field.Name;

    /// <summary>The field's byte offset in managed memory: the first byte that changes when every bit of the field is
    /// set on a zeroed instance (measured, so the layout the runtime chose is the one device code reads).</summary>
    private static int OffsetOf<T>(FieldInfo field)
        where T : unmanaged
    {
        object boxed = default(T);
        field.SetValue(boxed, AllBits(field.FieldType));
        T value = (T)boxed;
        int offset = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).IndexOfAnyExcept((byte)0);
        return offset >= 0 ? offset : throw new InvalidOperationException("Field " + field.Name + " of " + typeof(T).Name + " was not found.");
    }

    private static object AllBits(Type type) => type == typeof(bool) ? true
        : type == typeof(int) ? (object)(-1)
        : type == typeof(long) ? (object)(-1L)
        : type == typeof(ulong) ? (object)ulong.MaxValue
        : type == typeof(float) ? (object)BitConverter.Int32BitsToSingle(-1)
        : throw new NotSupportedException("A device struct field of type " + type.Name + " is not supported.");

    private static void Append(StringBuilder text, string name, int value) =>
        text.Append("#define ").Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
