using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// Reads a protobuf message field by field with Google.Protobuf's <see cref="CodedInputStream"/>: the handler gets each
/// field's number and the stream positioned at its value, and reads it or calls <see cref="CodedInputStream.SkipLastField"/>.
/// Malformed input (a truncated file) throws <see cref="InvalidProtocolBufferException"/> (or
/// <see cref="InvalidDataException"/> for a packed float field whose length is not a multiple of 4).
/// </summary>
internal static class ProtoReader
{
    /// <summary>Calls <paramref name="field"/> for every field of <paramref name="message"/>, in file order.</summary>
    public static void Read(ReadOnlyMemory<byte> message, Action<int, CodedInputStream> field) =>
        ReadTagged(message, (tag, input) => field(WireFormat.GetTagFieldNumber(tag), input));

    /// <summary>Calls <paramref name="field"/> with the tag (field number and wire type) of every field of
    /// <paramref name="message"/>, in file order.</summary>
    public static void ReadTagged(ReadOnlyMemory<byte> message, Action<uint, CodedInputStream> field)
    {
        CodedInputStream input = MemoryMarshal.TryGetArray(message, out ArraySegment<byte> segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(message.ToArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            field(tag, input);
        }
    }

    /// <summary>Reads a repeated int64 field's value, packed (length-delimited) or one varint, into <paramref name="into"/>.</summary>
    public static void Int64s(uint tag, CodedInputStream input, List<long> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(input.ReadInt64());
            return;
        }

        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field's value, packed (length-delimited) or one fixed32, into <paramref name="into"/>.</summary>
    public static void Floats(uint tag, CodedInputStream input, List<float> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(input.ReadFloat());
            return;
        }

        ReadOnlySpan<byte> bytes = input.ReadBytes().Span;
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException("A packed float field holds " + bytes.Length + " bytes, not a multiple of 4.");
        }

        for (int i = 0; i < bytes.Length; i += sizeof(float))
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
        }
    }
}
