using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Checkpoints;

/// <summary>Writes the models of a world as a checkpoint: groups them (<see cref="ModelGroup"/>), builds the header with
/// the checksum of the data, then streams the data tensor by tensor, entity by entity (no copy of the whole world).</summary>
internal sealed class CheckpointWriter
{
    private readonly World _world;
    private readonly List<(ModelGroup Group, List<Entity> Entities)> _groups;

    private CheckpointWriter(World world, List<(ModelGroup Group, List<Entity> Entities)> groups)
    {
        _world = world;
        _groups = groups;
    }

    /// <summary>The saved entities in file order (group by group, rows in order).</summary>
    public IReadOnlyList<Entity> Entities => _groups.SelectMany(g => g.Entities).ToArray();

    /// <summary>Groups every model entity of <paramref name="world"/> (archetypes in world order, entities in chunk
    /// order), refusing duplicate <see cref="ModelKey"/>s.</summary>
    public static CheckpointWriter Plan(World world, string path)
    {
        var groups = new List<(ModelGroup Group, List<Entity> Entities)>();
        var keys = new Dictionary<ModelKey, Entity>();
        foreach (Archetype archetype in world.Archetypes)
        {
            ModelSpec? spec = archetype.EntityCount > 0 ? ModelSpec.Find(archetype) : null;
            if (spec is null)
            {
                continue;
            }

            ModelGroup shape = ModelGroup.Of(groups.Count, spec, archetype.Signature, 0);
            int index = groups.FindIndex(g => g.Group with { Index = 0, Count = 0 } == shape with { Index = 0 });
            if (index < 0)
            {
                index = groups.Count;
                groups.Add((shape, []));
            }

            for (int c = 0; c < archetype.ChunkCount; c++)
            {
                foreach (Entity entity in archetype.GetChunk(c).Entities)
                {
                    groups[index].Entities.Add(entity);
                    if (shape.Keyed && !keys.TryAdd(world.Get<ModelKey>(entity), entity))
                    {
                        throw new CheckpointException(path, string.Format(CultureInfo.InvariantCulture,
                            "{0} and {1} both hold ModelKey {2}; keys must be unique. Nothing was written.",
                            keys[world.Get<ModelKey>(entity)], entity, world.Get<ModelKey>(entity).Value));
                    }
                }
            }
        }

        for (int g = 0; g < groups.Count; g++)
        {
            groups[g] = (groups[g].Group with { Count = groups[g].Entities.Count }, groups[g].Entities);
        }

        return new CheckpointWriter(world, groups);
    }

    /// <summary>The 8-byte header length and the header: tensors, and metadata with the format, version, models,
    /// columns and the XxHash64 checksum of the models text followed by the data.</summary>
    public byte[] Prefix()
    {
        string models = ModelsJson();
        var hash = new XxHash64();
        hash.Append(Encoding.UTF8.GetBytes(models));
        WriteData(hash, null);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Checkpoint.FormatName,
            ["format_version"] = Checkpoint.FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["models"] = models,
            ["columns"] = SavedComponents.ColumnsJson,
            ["checksum"] = Checkpoint.ChecksumText(hash.GetCurrentHashAsUInt64()),
        };
        return SafetensorsHeader.Write(AllTensors().Select(t => t.Info), metadata);
    }

    /// <summary>Streams the data section into <paramref name="hash"/> and/or <paramref name="stream"/>.</summary>
    public void WriteData(XxHash64? hash, Stream? stream)
    {
        byte[] row = [];
        foreach ((ModelGroup group, List<Entity> entities) in _groups)
        {
            foreach (GroupTensor tensor in group.Tensors(0))
            {
                if (row.Length < tensor.RowBytes)
                {
                    row = new byte[tensor.RowBytes];
                }

                Span<byte> span = row.AsSpan(0, tensor.RowBytes);
                foreach (Entity entity in entities)
                {
                    tensor.Copy(_world, entity, group.Spec.Layout, span, toRow: true);
                    hash?.Append(span);
                    stream?.Write(span);
                }
            }
        }
    }

    private List<GroupTensor> AllTensors()
    {
        List<GroupTensor> all = [];
        foreach ((ModelGroup group, _) in _groups)
        {
            all.AddRange(group.Tensors(all.Count == 0 ? 0 : all[^1].Info.End));
        }

        return all;
    }

    private string ModelsJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach ((ModelGroup group, _) in _groups)
            {
                group.WriteJson(json);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
