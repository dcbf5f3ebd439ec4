using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Checkpoints;

/// <summary>Writes the models of a world as a checkpoint: groups them (<see cref="ModelGroup"/>), writes the header, then
/// streams the data tensor by tensor, entity by entity (no copy of the whole world), hashing it on the way; the
/// checksum is written into the header's placeholder at the end.</summary>
internal sealed class CheckpointWriter
{
    private readonly World _world;
    private readonly string _path;
    private readonly List<(ModelGroup Group, List<Entity> Entities)> _groups;

    private CheckpointWriter(World world, string path, List<(ModelGroup Group, List<Entity> Entities)> groups)
    {
        _world = world;
        _path = path;
        _groups = groups;
    }

    /// <summary>The saved entities in file order (group by group, rows in order).</summary>
    public IReadOnlyList<Entity> Entities => _groups.SelectMany(g => g.Entities).ToArray();

    /// <summary>Groups every model entity of <paramref name="world"/> (archetypes in world order, entities in chunk
    /// order), refusing duplicate <see cref="ModelKey"/>s.</summary>
    public static CheckpointWriter Plan(World world, string path)
    {
        var groups = new List<(ModelGroup Group, List<Entity> Entities)>();
        var indexOf = new Dictionary<ModelGroup, int>(); // by spec and components (index and count 0)
        var keys = new Dictionary<ModelKey, Entity>();
        foreach (Archetype archetype in world.Archetypes)
        {
            ModelSpec? spec = archetype.EntityCount > 0 ? ModelSpec.Find(archetype) : null;
            if (spec is null)
            {
                continue;
            }

            ModelGroup shape = ModelGroup.Of(0, spec, archetype, 0);
            if (!indexOf.TryGetValue(shape, out int index))
            {
                index = groups.Count;
                indexOf.Add(shape, index);
                groups.Add((shape with { Index = index }, []));
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

        return new CheckpointWriter(world, path, groups);
    }

    /// <summary>
    /// Writes the checkpoint to <paramref name="stream"/> in one pass over the world: the 8-byte header length and the
    /// header (tensors, and metadata with the format, version, models, columns and a checksum placeholder), then the
    /// data, hashed as it is written (XxHash64 of the models text followed by the data). Returns where the checksum's
    /// 16 hex digits sit in the file and their final text, for the caller to write there.
    /// </summary>
    public (long Offset, byte[] Digits) Write(Stream stream)
    {
        string models = ModelsJson();
        string placeholder = Checkpoint.ChecksumText(0);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Checkpoint.FormatName,
            ["format_version"] = Checkpoint.FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["models"] = models,
            ["columns"] = SavedComponents.ColumnsJson(Checkpoint.FormatVersion),
            ["checksum"] = placeholder,
        };
        byte[] prefix = SafetensorsHeader.Write(AllTensors().Select(t => t.Info), metadata);
        byte[] field = Encoding.UTF8.GetBytes("\"checksum\":\"" + placeholder + "\"");
        long offset = prefix.AsSpan().IndexOf(field) + field.Length - 17; // the 16 digits before the closing quote
        stream.Write(prefix);
        var hash = new XxHash64();
        hash.Append(Encoding.UTF8.GetBytes(models));
        WriteData(hash, stream);
        string digits = Checkpoint.ChecksumText(hash.GetCurrentHashAsUInt64())[^16..];
        return (offset, Encoding.ASCII.GetBytes(digits));
    }

    private void WriteData(XxHash64 hash, Stream stream)
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
                    string? error = tensor.Plain is null
                        ? (tensor.CheckValues(span) is string bad ? tensor.Info.Name + ", " + bad : null)
                        : tensor.Plain.Check(span, group);
                    if (error is not null)
                    {
                        // Every file written must load: refuse the state the loader would refuse (the old file stays).
                        throw new CheckpointException(_path, entity + " cannot be saved: " + error + ". The previous file is unchanged.");
                    }

                    hash.Append(span);
                    stream.Write(span);
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
