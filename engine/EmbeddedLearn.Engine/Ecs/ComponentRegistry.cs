using System.Globalization;
using System.Runtime.CompilerServices;

namespace EmbeddedLearn.Ecs;

/// <summary>The process-wide table of component types; thread-safe.</summary>
internal static class ComponentRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, ComponentType> ByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, ComponentType> ByClrType = [];
    private static readonly List<ComponentType> All = [];

    public static ComponentType Of<T>()
        where T : unmanaged => StructId<T>.Type;

    public static ComponentType Register<T>(string name, int elementCount)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (elementCount < 1)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Run-time sized component '{0}' needs at least 1 element; got {1}.", name, elementCount), nameof(elementCount));
        }

        lock (Gate)
        {
            if (ByName.TryGetValue(name, out ComponentType? existing))
            {
                if (existing.ElementType != typeof(T) || existing.ElementCount != elementCount)
                {
                    throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                        "Component '{0}' is already registered as {1}; cannot register it again as {2}[{3} x {4}].",
                        name, existing, name, elementCount, typeof(T).Name), nameof(name));
                }

                return existing;
            }

            var type = new ComponentType(All.Count, name, null, typeof(T), Unsafe.SizeOf<T>(), elementCount);
            All.Add(type);
            ByName.Add(name, type);
            return type;
        }
    }

    private static ComponentType RegisterStruct<T>()
        where T : unmanaged
    {
        // Keyed by the CLR type, not by name: a run-time sized component may carry the same name, and two
        // distinct structs may share a full name (same type in two assemblies or load contexts).
        lock (Gate)
        {
            if (ByClrType.TryGetValue(typeof(T), out ComponentType? existing))
            {
                return existing;
            }

            string name = typeof(T).FullName ?? typeof(T).Name;
            var type = new ComponentType(All.Count, name, typeof(T), typeof(T), Unsafe.SizeOf<T>(), 1);
            All.Add(type);
            ByClrType.Add(typeof(T), type);
            return type;
        }
    }

    private static class StructId<T>
        where T : unmanaged
    {
        public static readonly ComponentType Type = RegisterStruct<T>();
    }
}
