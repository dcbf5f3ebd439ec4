using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>
/// An independent reader that holds a file to the safetensors format's published rules (huggingface/safetensors
/// README): 8-byte little-endian unsigned header size N; N bytes of UTF-8 JSON, starting with '{' and possibly padded
/// with spaces, under 100 MB; entries {"dtype", "shape", "data_offsets"} with offsets relative to the byte after the
/// header; an optional "__metadata__" map of string to string; the data contiguous, in order, covering the rest of
/// the file exactly. Returns the tensors by name and the metadata.
/// </summary>
internal static class SafetensorsRules
{
    private static readonly Dictionary<string, int> Sizes = new()
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2,
        ["BF16"] = 2, ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["F64"] = 8, ["I64"] = 8, ["U64"] = 8,
    };

    public static (Dictionary<string, (string DType, long[] Shape, byte[] Data)> Tensors, Dictionary<string, string> Metadata, byte[] Data)
        Read(byte[] file)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.True(n < 100_000_000 && (long)n <= file.Length - 8, "header size " + n);
        Assert.Equal((byte)'{', file[8]);
        Assert.Equal(0, (8 + (long)n) % 8); // writers align the data section to 8 bytes
        string headerText = Encoding.UTF8.GetString(file, 8, (int)n);
        JsonObject header = JsonNode.Parse(headerText.TrimEnd(' '))!.AsObject();
        byte[] data = file[(8 + (int)n)..];
        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
        foreach ((string name, JsonNode? value) in header)
        {
            if (name == "__metadata__")
            {
                foreach ((string key, JsonNode? item) in value!.AsObject())
                {
                    metadata.Add(key, item!.GetValue<string>()); // throws unless a string
                }

                continue;
            }

            JsonObject entry = value!.AsObject();
            Assert.Equal(3, entry.Count);
            string dtype = entry["dtype"]!.GetValue<string>();
            long[] shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            long[] offsets = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            Assert.Equal(2, offsets.Length);
            Assert.True(Sizes.ContainsKey(dtype), name + ": dtype " + dtype);
            Assert.Equal(Sizes[dtype] * shape.Aggregate(1L, (a, b) => a * b), offsets[1] - offsets[0]);
            entries.Add((name, dtype, shape, offsets[0], offsets[1]));
        }

        long expected = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            Assert.Equal(expected, entry.Begin);
            expected = entry.End;
        }

        Assert.Equal(data.Length, expected);
        return (entries.ToDictionary(e => e.Name, e => (e.DType, e.Shape, data[(int)e.Begin..(int)e.End])), metadata, data);
    }
}
