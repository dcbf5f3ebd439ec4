using System.Globalization;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// A component type: either an unmanaged C# struct (<see cref="ComponentType.Of{T}"/>, one element of
/// <c>sizeof(T)</c> bytes) or a run-time sized array registered by name (<see cref="ComponentType.Array{T}"/>,
/// <see cref="ElementCount"/> elements of <c>sizeof(T)</c> bytes, for example a model's P parameters as floats).
/// Each entity holding it stores <see cref="ByteSize"/> = <see cref="ElementSize"/> x <see cref="ElementCount"/> bytes.
/// </summary>
/// <remarks>Component types are process-wide: the same struct, or the same name with the same shape, always
/// yields the same instance and id, in every world.</remarks>
public sealed class ComponentType
{
    internal ComponentType(int id, string name, Type? clrType, Type elementType, int elementSize, int elementCount)
    {
        Id = id;
        Name = name;
        ClrType = clrType;
        ElementType = elementType;
        ElementSize = elementSize;
        ElementCount = elementCount;
        ByteSize = checked(elementSize * elementCount);
    }

    /// <summary>Process-wide id, dense from 0.</summary>
    public int Id { get; }

    /// <summary>The struct's name, or the name given at registration.</summary>
    public string Name { get; }

    /// <summary>The struct type for struct components; null for run-time sized components.</summary>
    public Type? ClrType { get; }

    /// <summary>The element type spans of this component are read as (the struct itself, or the array's element).</summary>
    public Type ElementType { get; }

    /// <summary>Bytes per element.</summary>
    public int ElementSize { get; }

    /// <summary>Elements per entity (1 for struct components).</summary>
    public int ElementCount { get; }

    /// <summary>Bytes per entity: <c>ElementSize * ElementCount</c>.</summary>
    public int ByteSize { get; }

    /// <summary>Whether this is a run-time sized (array) component.</summary>
    public bool IsRuntimeSized => ClrType is null;

    /// <summary>The component type of the unmanaged struct <typeparamref name="T"/>.</summary>
    public static ComponentType Of<T>()
        where T : unmanaged => ComponentRegistry.Of<T>();

    /// <summary>
    /// Registers (or finds) the run-time sized component <paramref name="name"/> holding
    /// <paramref name="elementCount"/> elements of <typeparamref name="T"/> per entity.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, the count is below 1, or the name is already
    /// registered with another element type or count.</exception>
    public static ComponentType Array<T>(string name, int elementCount)
        where T : unmanaged => ComponentRegistry.Register<T>(name, elementCount);

    /// <inheritdoc/>
    public override string ToString() => IsRuntimeSized
        ? string.Format(CultureInfo.InvariantCulture, "{0}[{1} x {2}]", Name, ElementCount, ElementType.Name)
        : Name;
}
