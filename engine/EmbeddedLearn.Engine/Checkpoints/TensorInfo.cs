namespace EmbeddedLearn.Checkpoints;

/// <summary>One tensor of a safetensors header: its name, dtype (<c>F32</c>, <c>I64</c>, ...), shape, and byte range
/// <c>[Begin, End)</c> within the data section that follows the header.</summary>
internal sealed record TensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of data: <c>End - Begin</c>.</summary>
    public long Length => End - Begin;

    /// <summary>The shape as PyTorch prints it, e.g. <c>[10, 32, 8]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
