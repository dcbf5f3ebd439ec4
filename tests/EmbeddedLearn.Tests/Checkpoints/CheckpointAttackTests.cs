using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>Randomised and targeted attacks on the loader: every damaged file is refused with a clear error naming the
/// file, without a crash or a huge allocation, and the world and the file stay as they were.</summary>
public sealed class CheckpointAttackTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly byte[] _original;
    private readonly LoaderAttack _attack;

    public CheckpointAttackTests()
    {
        using KeyedWorld world = KeyedWorld.Create(6);
        using (TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 }))
        {
            CheckpointRoundTripTests.Train(world, pipeline, 0, 3);
        }

        Checkpoint.Save(world.World, _folder.File("original.safetensors"));
        _original = File.ReadAllBytes(_folder.File("original.safetensors"));
        _attack = new LoaderAttack(_folder, _original);
    }

    [Fact]
    public void Random_bit_flips_anywhere_are_refused_unless_they_leave_the_meaning_unchanged()
    {
        int refused = 0;
        Gen.Select(Gen.Int[0, _original.Length - 1], Gen.Int[0, 7]).Sample((position, bit) =>
        {
            byte[] bytes = (byte[])_original.Clone();
            bytes[position] ^= (byte)(1 << bit);
            if (_attack.Load(bytes) is not null)
            {
                Interlocked.Increment(ref refused);
            }
        }, iter: 400);
        Assert.True(refused > 350, refused + " of 400 flips refused");
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        Gen.Int[0, _original.Length - 1].Sample(length => Assert.NotNull(_attack.Load(_original[..length])), iter: 200);
        Assert.Contains("8-byte header length", _attack.Load(_original[..5]), StringComparison.Ordinal);
        Assert.Contains("only", _attack.Load(_original[..100]), StringComparison.Ordinal);
        Assert.Contains("truncated", _attack.Load(_original[..^1]), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_extension_is_refused()
    {
        Gen.Byte.Array[1, 300].Sample(tail => Assert.Contains("extra bytes appended", _attack.Load([.. _original, .. tail]),
            StringComparison.Ordinal), iter: 100);
    }

    [Fact]
    public void Absurd_header_lengths_are_refused_without_allocating_them()
    {
        Gen.ULong.Sample(length =>
        {
            byte[] bytes = (byte[])_original.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            if (length != BinaryPrimitives.ReadUInt64LittleEndian(_original))
            {
                Assert.NotNull(_attack.Load(bytes));
            }
        }, iter: 200);
        byte[] huge = (byte[])_original.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("header length is 18446744073709551615 bytes", _attack.Load(huge), StringComparison.Ordinal);
    }

    [Fact]
    public void Absurd_offsets_and_shapes_are_refused()
    {
        Gen.Select(Gen.Int[0, 1000], Gen.Long[0, long.MaxValue], Gen.Int[0, 2]).Sample((which, value, field) =>
        {
            JsonObject header = Header(_original);
            string[] names = header.Select(p => p.Key).Where(k => k != "__metadata__").ToArray();
            JsonObject tensor = header[names[which % names.Length]]!.AsObject();
            JsonArray array = tensor[field == 2 ? "shape" : "data_offsets"]!.AsArray();
            long old = array[field == 2 ? 0 : field]!.GetValue<long>();
            array[field == 2 ? 0 : field] = value;
            if (value != old)
            {
                Assert.NotNull(_attack.Load(Rebuild(header, _original)));
            }
        }, iter: 200);
    }

    [Fact]
    public void Foreign_newer_and_corrupt_files_are_refused_with_what_is_wrong()
    {
        JsonObject newer = Header(_original);
        newer["__metadata__"]!["format_version"] = "4";
        Assert.Contains("format version 4 is newer than this library reads (3)", _attack.Load(Rebuild(newer, _original)), StringComparison.Ordinal);

        JsonObject foreign = Header(_original);
        foreign.Remove("__metadata__");
        Assert.Contains("metadata 'format' is missing: not an EmbeddedLearn checkpoint", _attack.Load(Rebuild(foreign, _original)), StringComparison.Ordinal);

        JsonObject nonString = Header(_original);
        nonString["__metadata__"]!["extra"] = 5;
        Assert.Contains("metadata values must be strings", _attack.Load(Rebuild(nonString, _original)), StringComparison.Ordinal);

        byte[] flipped = (byte[])_original.Clone();
        flipped[^30] ^= 0x40;
        Assert.Contains("the file is corrupt", _attack.Load(flipped), StringComparison.Ordinal);

        Assert.Contains("not a safetensors file", _attack.Load(Encoding.UTF8.GetBytes("PK\u0003\u0004 a zip file, not a checkpoint")), StringComparison.Ordinal);
        Assert.Contains("8-byte header length", _attack.Load([]), StringComparison.Ordinal);
        CheckpointException missing = Assert.Throws<CheckpointException>(() => Checkpoint.Load(new World(), _folder.File("absent.safetensors")));
        Assert.Contains("cannot be read", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_settings_and_counters_are_refused_naming_the_tensor_and_row()
    {
        // Rewrite a value inside the data and fix the checksum, as a buggy tool would: the row checks still refuse it.
        var (tensors, metadata, _) = SafetensorsRules.Read(_original);
        Assert.True(tensors.ContainsKey("model0.state"));
        string message = _attack.Load(PatchData(_original, "model0.state", 1, BitConverter.GetBytes(-5L)))!;
        Assert.Contains("model0.state, row 0: optimizer_steps is -5; it must be at least 0", message, StringComparison.Ordinal);
        message = _attack.Load(PatchData(_original, "model0.settings", 1, BitConverter.GetBytes(-0.5)))!;
        Assert.Contains("model0.settings, row 0: invalid settings: LearningRate is -0.5", message, StringComparison.Ordinal);
        Assert.NotEmpty(metadata);
    }

    [Fact]
    public void Non_finite_parameters_and_a_negative_second_moment_are_refused_naming_the_tensor_row_and_column()
    {
        // What ImportParameters and Record refuse, a file with a recomputed checksum must not bring in either.
        byte[] original;
        using (KeyedWorld adamWorld = KeyedWorld.Create(18)) // 18 models: every optimizer flavour, Adam's moments included
        {
            Checkpoint.Save(adamWorld.World, _folder.File("moments.safetensors"));
            original = File.ReadAllBytes(_folder.File("moments.safetensors"));
        }

        var attack = new LoaderAttack(_folder, original);
        var (tensors, _, _) = SafetensorsRules.Read(original);
        string weight = tensors.Keys.First(k => k.StartsWith("model0.", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal));
        string message = attack.Load(PatchData(original, weight, 2, BitConverter.GetBytes(float.NaN)))!;
        Assert.Contains(weight + ", row 0: column 2 holds NaN, which the engine never stores here", message, StringComparison.Ordinal);
        string secondMoment = tensors.Keys.First(k => k.EndsWith(".exp_avg_sq", StringComparison.Ordinal));
        message = attack.Load(PatchData(original, secondMoment, 0, BitConverter.GetBytes(-1f)))!;
        Assert.Contains(secondMoment + ", row 0: column 0 holds -1, which a second moment (exp_avg_sq) cannot be", message, StringComparison.Ordinal);
        string gradient = tensors.Keys.First(k => k.EndsWith(".weight.grad", StringComparison.Ordinal));
        string withGradient = _folder.File("gradient.safetensors");
        File.WriteAllBytes(withGradient, PatchData(original, gradient, 0, BitConverter.GetBytes(float.PositiveInfinity)));
        using var loaded = new World();
        Assert.NotEmpty(Checkpoint.Load(loaded, withGradient).Entities); // loads: a skipped step may leave such a gradient
    }

    [Fact]
    public void A_model_with_a_non_finite_parameter_is_not_saved_and_the_previous_file_stays()
    {
        using KeyedWorld world = KeyedWorld.Create(2);
        string path = _folder.File("guarded.safetensors");
        Checkpoint.Save(world.World, path);
        byte[] before = File.ReadAllBytes(path);
        (ModelSpec spec, Entity entity) = world.Models.Values.First();
        world.World.GetSpan<float>(entity, spec.Parameters)[1] = float.PositiveInfinity;
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(world.World, path));
        // Engine element 1 of layer 0 ([in, out]) is PyTorch's [out, in] element (1, 0): column `in` of the row.
        int column = spec.Layout.LayerInput(0);
        string infinity = float.PositiveInfinity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(entity + " cannot be saved: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(".layer0.weight, column " + column + " holds " + infinity + ", which the engine never stores here. The previous file is unchanged.",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("\"count\":1", "\"count\":2000000000", "claims 2000000000 models")]
    [InlineData("\"layout\":\"3,8,2\"", "\"layout\":\"3,8000,8000,2\"", "the limit is 1073741824 bytes")]
    [InlineData("\"layout\":\"3,8,2\"", "\"layout\":\"3,,2\"", "part 1 ('') is empty")]
    [InlineData("\"activation\":\"tanh\"", "\"activation\":\"swish\"", "Unknown activation 'swish'")]
    public void Models_metadata_claiming_huge_or_invalid_models_is_refused_before_any_allocation(string from, string to, string expected)
    {
        JsonObject header = Header(_original);
        string models = header["__metadata__"]!["models"]!.GetValue<string>();
        Assert.Contains(from, models, StringComparison.Ordinal);
        header["__metadata__"]!["models"] = models.Replace(from, to, StringComparison.Ordinal);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(_original);
        byte[] data = _original[(8 + n)..];
        ulong hash = System.IO.Hashing.XxHash64.HashToUInt64([.. Encoding.UTF8.GetBytes(header["__metadata__"]!["models"]!.GetValue<string>()), .. data]);
        header["__metadata__"]!["checksum"] = "xxhash64:" + hash.ToString("x16");
        string message = _attack.Load(Rebuild(header, _original))!;
        Assert.True(message.Contains(expected, StringComparison.Ordinal), message);
    }

    public void Dispose() => _folder.Dispose();

    internal static JsonObject Header(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return JsonNode.Parse(Encoding.UTF8.GetString(file, 8, n).TrimEnd(' '))!.AsObject();
    }

    internal static byte[] Rebuild(JsonObject header, byte[] original)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        byte[] length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        return [.. length, .. json, .. original[(8 + n)..]];
    }

    /// <summary>Overwrites element <paramref name="element"/> of tensor <paramref name="name"/> and recomputes the
    /// checksum, so only the meaning of the value is wrong.</summary>
    internal static byte[] PatchData(byte[] original, string name, int element, byte[] value)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        JsonObject header = Header(original);
        long begin = header[name]!["data_offsets"]![0]!.GetValue<long>();
        byte[] data = original[(8 + n)..];
        value.CopyTo(data, (int)begin + (element * value.Length));
        string models = header["__metadata__"]!["models"]!.GetValue<string>();
        ulong hash = System.IO.Hashing.XxHash64.HashToUInt64([.. Encoding.UTF8.GetBytes(models), .. data]);
        header["__metadata__"]!["checksum"] = "xxhash64:" + hash.ToString("x16");
        return Rebuild(header, [.. original[..(8 + n)], .. data]);
    }
}
