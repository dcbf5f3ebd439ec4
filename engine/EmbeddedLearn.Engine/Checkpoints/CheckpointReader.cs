using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>Verifies a whole checkpoint file held in memory (safetensors rules, format, version, models, tensor
/// names, dtypes and shapes, checksum, every plain row) and only then creates its entities.</summary>
internal sealed class CheckpointReader
{
    private readonly byte[] _file;
    private readonly long _dataStart;
    private readonly List<(ModelGroup Group, List<GroupTensor> Tensors)> _groups;
    private readonly HashSet<ModelKey> _keys = [];

    private CheckpointReader(byte[] file, long dataStart, List<(ModelGroup, List<GroupTensor>)> groups)
    {
        _file = file;
        _dataStart = dataStart;
        _groups = groups;
    }

    /// <summary>Checks everything in <paramref name="file"/>; touches no world.</summary>
    /// <exception cref="FormatException">Something is wrong; the message says what.</exception>
    public static CheckpointReader Verify(byte[] file)
    {
        SafetensorsHeader header = SafetensorsHeader.Parse(file);
        string format = Metadata(header, "format");
        if (format != Checkpoint.FormatName)
        {
            throw new FormatException($"metadata 'format' is '{format}', not '{Checkpoint.FormatName}': not an EmbeddedLearn checkpoint");
        }

        string versionText = Metadata(header, "format_version");
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new FormatException($"metadata 'format_version' is '{versionText}', not a positive integer");
        }

        if (version > Checkpoint.FormatVersion)
        {
            throw new FormatException($"format version {version} is newer than this library reads ({Checkpoint.FormatVersion}); "
                + "load it with a newer EmbeddedLearn");
        }

        string columns = SavedComponents.ColumnsJson(version);
        if (Metadata(header, "columns") != columns)
        {
            throw new FormatException($"metadata 'columns' is not {columns}");
        }

        // The checksum first: a damaged file is refused before its models are parsed (and their specs registered).
        string models = Metadata(header, "models");
        CheckChecksum(file, header, models);
        List<(ModelGroup, List<GroupTensor>)> groups = ReadGroups(models, header, version);
        CheckTensors(groups, header);
        var reader = new CheckpointReader(file, header.DataStart, groups);
        reader.CheckRows();
        return reader;
    }

    /// <summary>Throws when an entity of <paramref name="world"/> already holds one of the file's keys (loading would make
    /// the key ambiguous); touches nothing.</summary>
    /// <exception cref="FormatException">The message names the key and the entity holding it.</exception>
    public void CheckKeysAreFree(World world)
    {
        if (_keys.Count == 0)
        {
            return;
        }

        foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<ModelKey>()))
        {
            ReadOnlySpan<ModelKey> keys = chunk.GetReadOnlySpan<ModelKey>();
            for (int i = 0; i < keys.Length; i++)
            {
                if (_keys.Contains(keys[i]))
                {
                    throw new FormatException($"ModelKey {keys[i].Value} of the file is already held by {chunk.Entities[i]} in the world; "
                        + "load into a fresh world, or remove that entity first");
                }
            }
        }
    }

    /// <summary>Creates the entities of every group in <paramref name="world"/> and fills them.</summary>
    public LoadedCheckpoint Apply(World world)
    {
        var entities = new List<Entity>();
        var keys = new Dictionary<ModelKey, Entity>();
        foreach ((ModelGroup group, List<GroupTensor> tensors) in _groups)
        {
            Entity[] created = world.Create(group.Signature, group.Count);
            foreach (GroupTensor tensor in tensors)
            {
                for (int r = 0; r < created.Length; r++)
                {
                    tensor.Copy(world, created[r], group.Spec.Layout, Row(tensor, r), toRow: false);
                }
            }

            if (group.Keyed)
            {
                foreach (Entity entity in created)
                {
                    keys.Add(world.Get<ModelKey>(entity), entity);
                }
            }

            entities.AddRange(created);
        }

        return new LoadedCheckpoint(entities, keys);
    }

    private static string Metadata(SafetensorsHeader header, string key) =>
        header.Metadata.TryGetValue(key, out string? value)
            ? value
            : throw new FormatException($"metadata '{key}' is missing: not an EmbeddedLearn checkpoint");

    private static List<(ModelGroup, List<GroupTensor>)> ReadGroups(string models, SafetensorsHeader header, int version)
    {
        var groups = new List<(ModelGroup, List<GroupTensor>)>();
        try
        {
            using JsonDocument document = JsonDocument.Parse(models);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("metadata 'models' is not a JSON array");
            }

            long begin = 0;
            foreach (JsonElement element in document.RootElement.EnumerateArray())
            {
                ModelGroup group = ModelGroup.ReadJson(groups.Count, element, version);
                if ((Int128)group.Count * group.Spec.Layout.ParameterCount * sizeof(float) > header.DataLength)
                {
                    throw new FormatException($"{group.Prefix} claims {group.Count} models of {group.Spec.Layout.ParameterCount} "
                        + $"parameters, more than the file's {header.DataLength} bytes of data hold");
                }

                List<GroupTensor> tensors = group.Tensors(begin);
                begin = tensors[^1].Info.End;
                groups.Add((group, tensors));
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("metadata 'models' is not valid JSON (" + ex.Message + ")", ex);
        }

        return groups;
    }

    private static void CheckTensors(List<(ModelGroup Group, List<GroupTensor> Tensors)> groups, SafetensorsHeader header)
    {
        List<TensorInfo> expected = groups.SelectMany(g => g.Tensors.Select(t => t.Info)).ToList();
        if (expected.Count != header.Tensors.Count)
        {
            throw new FormatException($"the file holds {header.Tensors.Count} tensors; the models it describes need {expected.Count}");
        }

        for (int i = 0; i < expected.Count; i++)
        {
            TensorInfo e = expected[i], a = header.Tensors[i];
            if (e.Name != a.Name || e.DType != a.DType || !e.Shape.AsSpan().SequenceEqual(a.Shape))
            {
                throw new FormatException($"tensor {i} in data order is '{a.Name}' {a.DType} {a.ShapeText}; "
                    + $"the models described need '{e.Name}' {e.DType} {e.ShapeText}");
            }
        }
    }

    private static void CheckChecksum(byte[] file, SafetensorsHeader header, string models)
    {
        var hash = new XxHash64();
        hash.Append(Encoding.UTF8.GetBytes(models));
        hash.Append(file.AsSpan((int)header.DataStart));
        string actual = Checkpoint.ChecksumText(hash.GetCurrentHashAsUInt64());
        string stored = Metadata(header, "checksum");
        if (!string.Equals(stored, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"the checksum of the data is {actual} but the file records {stored}: the file is corrupt");
        }
    }

    private void CheckRows()
    {
        foreach ((ModelGroup group, List<GroupTensor> tensors) in _groups)
        {
            foreach (GroupTensor tensor in tensors)
            {
                for (int r = 0; r < group.Count; r++)
                {
                    ReadOnlySpan<byte> row = Row(tensor, r);
                    string? error = tensor.Plain is null ? tensor.CheckValues(row) : tensor.Plain.Check(row, group);
                    if (error is null && tensor.Plain is KeyTensor && !_keys.Add(KeyTensor.Read(row)))
                    {
                        error = "ModelKey " + KeyTensor.Read(row).Value + " appears twice";
                    }

                    if (error is not null)
                    {
                        throw new FormatException($"{tensor.Info.Name}, row {r}: {error}");
                    }
                }
            }
        }
    }

    private Span<byte> Row(GroupTensor tensor, int row) =>
        _file.AsSpan((int)(_dataStart + tensor.Info.Begin + ((long)row * tensor.RowBytes)), tensor.RowBytes);
}
