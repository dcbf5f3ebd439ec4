using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// Records structural changes (create, destroy, add, remove) and writes (set) to apply later with
/// <see cref="Playback"/>, typically between stages or ticks, as Arch's <c>CommandBuffer</c>.
/// Entities created through the buffer get placeholder handles (negative ids) that later commands of the same
/// buffer may use; <see cref="Playback"/> returns the real handles in creation order.
/// Playback validates every command against the world first and applies nothing if any would fail.
/// </summary>
public sealed class CommandBuffer
{
    private readonly List<Command> _commands = [];
    private byte[] _payload = new byte[256];
    private int _payloadLength;
    private int _created;

    /// <summary>Commands recorded since the last playback or clear.</summary>
    public int Count => _commands.Count;

    /// <summary>Records the creation of an entity with the given components; returns its placeholder handle.</summary>
    public Entity Create(params ReadOnlySpan<ComponentType> types)
    {
        var placeholder = new Entity(-(++_created), 0);
        _commands.Add(new Command(CommandKind.Create, placeholder, null, new Signature(types), 0, 0));
        return placeholder;
    }

    /// <summary>Records the destruction of <paramref name="entity"/>.</summary>
    public void Destroy(Entity entity) => _commands.Add(new Command(CommandKind.Destroy, entity, null, null, 0, 0));

    /// <summary>Records adding struct component <typeparamref name="T"/> with <paramref name="value"/>.</summary>
    public void Add<T>(Entity entity, in T value = default)
        where T : unmanaged => Record(CommandKind.Add, entity, ComponentType.Of<T>(), MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Records adding component <paramref name="type"/>, zero-initialised.</summary>
    public void Add(Entity entity, ComponentType type) => Record(CommandKind.Add, entity, type, []);

    /// <summary>Records adding component <paramref name="type"/> holding a copy of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The values do not fill the component exactly.</exception>
    public void Add<T>(Entity entity, ComponentType type, ReadOnlySpan<T> values)
        where T : unmanaged => Record(CommandKind.Add, entity, type, CheckedBytes(type, values));

    /// <summary>Records removing struct component <typeparamref name="T"/>.</summary>
    public void Remove<T>(Entity entity)
        where T : unmanaged => Remove(entity, ComponentType.Of<T>());

    /// <summary>Records removing component <paramref name="type"/>.</summary>
    public void Remove(Entity entity, ComponentType type) => Record(CommandKind.Remove, entity, type, []);

    /// <summary>Records setting struct component <typeparamref name="T"/>.</summary>
    public void Set<T>(Entity entity, in T value)
        where T : unmanaged => Record(CommandKind.Set, entity, ComponentType.Of<T>(), MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Records setting component <paramref name="type"/> to a copy of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The values do not fill the component exactly.</exception>
    public void Set<T>(Entity entity, ComponentType type, ReadOnlySpan<T> values)
        where T : unmanaged => Record(CommandKind.Set, entity, type, CheckedBytes(type, values));

    /// <summary>Forgets every recorded command.</summary>
    public void Clear()
    {
        _commands.Clear();
        _payloadLength = 0;
        _created = 0;
    }

    /// <summary>
    /// Applies the recorded commands to <paramref name="world"/> in order, then clears the buffer. Returns the
    /// handles of the entities the buffer created, in creation order.
    /// </summary>
    /// <exception cref="InvalidOperationException">A query is running, or a command refers to an entity that is
    /// not alive at that point or adds a component it has or removes or sets one it lacks. The message names the
    /// command, the entity and the component; nothing is applied and the buffer is kept.</exception>
    public Entity[] Playback(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (world.IsQueryRunning)
        {
            throw new InvalidOperationException("CommandBuffer.Playback is a structural change and a query is running; play it back after the query.");
        }

        Validate(world);
        var created = new Entity[_created];
        foreach (Command command in _commands)
        {
            Entity entity = command.Entity.Id < 0 && command.Kind != CommandKind.Create ? created[-command.Entity.Id - 1] : command.Entity;
            ReadOnlySpan<byte> data = _payload.AsSpan(command.DataOffset, command.DataLength);
            switch (command.Kind)
            {
                case CommandKind.Create:
                    created[-command.Entity.Id - 1] = world.Create(command.Signature!);
                    break;
                case CommandKind.Destroy:
                    world.Destroy(entity);
                    break;
                case CommandKind.Add:
                    world.Add(entity, command.Type!);
                    CopyIn(world, entity, command.Type!, data);
                    break;
                case CommandKind.Remove:
                    world.Remove(entity, command.Type!);
                    break;
                case CommandKind.Set:
                    CopyIn(world, entity, command.Type!, data);
                    break;
            }
        }

        Clear();
        return created;
    }

    private static void CopyIn(World world, Entity entity, ComponentType type, ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            data.CopyTo(world.GetBytes(entity, type));
        }
    }

    private static ReadOnlySpan<byte> CheckedBytes<T>(ComponentType type, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(type);
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (bytes.Length != type.ByteSize || Unsafe.SizeOf<T>() != type.ElementSize)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Component {0} holds {1} elements of {2} bytes; {3} elements of {4} bytes were given.",
                type, type.ElementCount, type.ElementSize, values.Length, Unsafe.SizeOf<T>()), nameof(values));
        }

        return bytes;
    }

    private void Record(CommandKind kind, Entity entity, ComponentType type, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_payloadLength + data.Length > _payload.Length)
        {
            Array.Resize(ref _payload, Math.Max(_payload.Length * 2, _payloadLength + data.Length));
        }

        data.CopyTo(_payload.AsSpan(_payloadLength));
        _commands.Add(new Command(kind, entity, type, null, _payloadLength, data.Length));
        _payloadLength += data.Length;
    }

    /// <summary>Simulates the commands on the component sets they touch; throws at the first that would fail.</summary>
    private void Validate(World world)
    {
        var sets = new Dictionary<Entity, HashSet<ComponentType>?>();
        for (int i = 0; i < _commands.Count; i++)
        {
            Command command = _commands[i];
            Entity entity = command.Entity;
            if (command.Kind == CommandKind.Create)
            {
                sets[entity] = [.. command.Signature!.Types];
                continue;
            }

            if (!sets.TryGetValue(entity, out HashSet<ComponentType>? set))
            {
                set = entity.Id >= 0 && world.IsAlive(entity) ? [.. world.GetComponentTypes(entity)] : null;
                sets[entity] = set;
            }

            string where = string.Format(CultureInfo.InvariantCulture, "CommandBuffer command {0} ({1} {2}{3})",
                i, command.Kind, entity, command.Type is null ? string.Empty : " " + command.Type);
            if (set is null)
            {
                throw new InvalidOperationException(where + ": the entity is not alive at that point; nothing was applied.");
            }

            switch (command.Kind)
            {
                case CommandKind.Destroy:
                    sets[entity] = null;
                    break;
                case CommandKind.Add when !set.Add(command.Type!):
                    throw new InvalidOperationException(where + ": the entity already has that component; nothing was applied.");
                case CommandKind.Remove when !set.Remove(command.Type!):
                case CommandKind.Set when !set.Contains(command.Type!):
                    throw new InvalidOperationException(where + ": the entity has no such component; nothing was applied.");
            }
        }
    }
}
