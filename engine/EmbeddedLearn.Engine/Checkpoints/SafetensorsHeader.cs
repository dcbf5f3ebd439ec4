using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// The header of a safetensors file, checked against the format's published rules: an 8-byte little-endian header
/// length N, N bytes of UTF-8 JSON starting with <c>{</c> (trailing spaces allowed), each entry
/// <c>"name": {"dtype", "shape", "data_offsets": [begin, end]}</c> plus an optional <c>"__metadata__"</c> object of
/// strings only; the offsets, relative to the data section after the header, are contiguous from 0 in order, cover
/// the data section exactly, and each tensor's byte count is its dtype's size times the product of its shape.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The largest header the safetensors library accepts (100,000,000 bytes).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private SafetensorsHeader(List<TensorInfo> tensors, Dictionary<string, string> metadata, long dataStart, long dataLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
        DataLength = dataLength;
    }

    /// <summary>The tensors in data order (by begin offset).</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Where the data section starts in the file: <c>8 + N</c>.</summary>
    public long DataStart { get; }

    /// <summary>Bytes of the data section.</summary>
    public long DataLength { get; }

    /// <summary>Bytes per element of a safetensors dtype, or 0 for an unknown one.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    /// <summary>Parses and checks the header of <paramref name="memory"/> (the whole file). Allocates at most the header's
    /// size (already bounded by the file's length) plus one entry per tensor.</summary>
    /// <exception cref="FormatException">A rule is broken; the message says which and where.</exception>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> memory)
    {
        ReadOnlySpan<byte> file = memory.Span;
        if (file.Length < 8)
        {
            throw new FormatException($"the file is {file.Length} bytes; a safetensors file starts with an 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        long available = file.Length - 8;
        if (headerLength > (ulong)available || headerLength > MaxHeaderBytes)
        {
            throw new FormatException($"the header length is {headerLength} bytes but only {available} bytes follow it "
                + $"(at most {MaxHeaderBytes} allowed): the file is truncated or not a safetensors file");
        }

        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw new FormatException("the header does not start with '{': not a safetensors file");
        }

        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw new FormatException("the header is not valid UTF-8");
        }

        List<TensorInfo> tensors = [];
        Dictionary<string, string> metadata = [];
        try
        {
            using JsonDocument document = JsonDocument.Parse(memory.Slice(8, header.Length));
            ReadEntries(document.RootElement, tensors, metadata);
        }
        catch (JsonException ex)
        {
            throw new FormatException("the header is not valid JSON (" + ex.Message + ")", ex);
        }

        long dataLength = available - (long)headerLength;
        CheckOffsets(tensors, dataLength);
        return new SafetensorsHeader(tensors, metadata, 8 + (long)headerLength, dataLength);
    }

    /// <summary>The 8-byte length and the JSON header of <paramref name="tensors"/> (offsets as given) and
    /// <paramref name="metadata"/>, padded with spaces so the data section starts at a multiple of 8 bytes.</summary>
    public static byte[] Write(IEnumerable<TensorInfo> tensors, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach ((string key, string value) in metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            foreach (TensorInfo tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (long dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(tensor.Begin);
                json.WriteNumberValue(tensor.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] prefix = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        buffer.WrittenSpan.CopyTo(prefix.AsSpan(8));
        prefix.AsSpan(8 + buffer.WrittenCount).Fill((byte)' ');
        return prefix;
    }

    private static void ReadEntries(JsonElement root, List<TensorInfo> tensors, Dictionary<string, string> metadata)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the header is not a JSON object");
        }

        HashSet<string> names = [];
        foreach (JsonProperty entry in root.EnumerateObject())
        {
            if (!names.Add(entry.Name))
            {
                throw new FormatException($"the header names '{entry.Name}' twice");
            }

            if (entry.Name == MetadataKey)
            {
                ReadMetadata(entry.Value, metadata);
            }
            else
            {
                tensors.Add(ReadTensor(entry.Name, entry.Value));
            }
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("__metadata__ is not an object");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"__metadata__ entry '{item.Name}' is a {item.Value.ValueKind}; metadata values must be strings");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new FormatException($"__metadata__ names '{item.Name}' twice");
            }
        }
    }

    private static TensorInfo ReadTensor(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"tensor '{name}' is not an object");
        }

        string? dtype = null;
        long[]? shape = null, offsets = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null && field.Value.ValueKind == JsonValueKind.String:
                    dtype = field.Value.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(name, field);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(name, field);
                    break;
                default:
                    throw new FormatException($"tensor '{name}' has an unexpected, repeated or mistyped field '{field.Name}'");
            }
        }

        if (dtype is null || shape is null || offsets is null || offsets.Length != 2)
        {
            throw new FormatException($"tensor '{name}' needs a dtype string, a shape and two data_offsets");
        }

        int size = ElementSize(dtype);
        if (size == 0)
        {
            throw new FormatException($"tensor '{name}' has the unknown dtype '{dtype}'");
        }

        if (offsets[0] > offsets[1])
        {
            throw new FormatException($"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}] that end before they begin");
        }

        var tensor = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        if (!SizeMatches(shape, size, tensor.Length))
        {
            throw new FormatException($"tensor '{name}' ({dtype} {tensor.ShapeText}) has {tensor.Length} bytes of data, "
                + $"which is not {size} bytes times the product of its shape");
        }

        return tensor;
    }

    private static long[] ReadIntegers(string name, JsonProperty field)
    {
        if (field.Value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"tensor '{name}': {field.Name} is not an array");
        }

        var values = new long[field.Value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in field.Value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]) || values[i] < 0)
            {
                throw new FormatException($"tensor '{name}': {field.Name}[{i}] is not a non-negative integer");
            }

            i++;
        }

        return values;
    }

    /// <summary>Whether <c>size x prod(shape) == bytes</c>, without overflow.</summary>
    private static bool SizeMatches(long[] shape, int size, long bytes)
    {
        if (Array.IndexOf(shape, 0L) >= 0)
        {
            return bytes == 0;
        }

        long product = size;
        foreach (long dim in shape)
        {
            if (product > bytes / dim)
            {
                return false;
            }

            product *= dim;
        }

        return product == bytes;
    }

    private static void CheckOffsets(List<TensorInfo> tensors, long dataLength)
    {
        tensors.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (TensorInfo tensor in tensors)
        {
            if (tensor.Begin != expected)
            {
                throw new FormatException($"tensor '{tensor.Name}' begins at data offset {tensor.Begin}, not {expected}: "
                    + "the tensors' data must be contiguous, without gaps or overlaps");
            }

            expected = tensor.End;
        }

        if (expected != dataLength)
        {
            throw new FormatException($"the tensors cover {expected} bytes of data but the file holds {dataLength} after the header "
                + "(truncated, or extra bytes appended)");
        }
    }
}
