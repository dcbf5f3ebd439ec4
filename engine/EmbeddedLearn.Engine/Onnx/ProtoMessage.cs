using System.Buffers.Binary;
using Google.Protobuf;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// Builds one protobuf message field by field (by field number, in the order written) with Google.Protobuf's
/// <see cref="CodedOutputStream"/>; a nested message is built as its own <see cref="ProtoMessage"/> and written with
/// <see cref="Message"/> (length-delimited). Enough of the wire format for ONNX's ModelProto; no generated code.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A MemoryStream and a CodedOutputStream over it hold no unmanaged resource; the garbage collector frees them.")]
internal sealed class ProtoMessage
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage()
    {
        _output = new CodedOutputStream(_buffer, leaveOpen: true);
    }

    /// <summary>A varint field (int32, int64 or an enum).</summary>
    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    /// <summary>A 32-bit float field (wire type fixed32).</summary>
    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    /// <summary>A UTF-8 string field.</summary>
    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian IEEE floats (TensorProto.raw_data).</summary>
    public ProtoMessage FloatBytes(int field, ReadOnlySpan<float> values)
    {
        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
        return this;
    }

    /// <summary>A nested message field.</summary>
    public ProtoMessage Message(int field, ProtoMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(message.ToByteString());
        return this;
    }

    /// <summary>The encoded message (without a tag or length).</summary>
    public ByteString ToByteString()
    {
        _output.Flush();
        return UnsafeByteOperations.UnsafeWrap(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length));
    }

    /// <summary>Writes the encoded message to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        _output.Flush();
        stream.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
    }
}
