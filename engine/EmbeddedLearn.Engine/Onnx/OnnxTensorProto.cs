using System.Buffers.Binary;
using Google.Protobuf;

namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX TensorProto an import reads: name, dims, data type and the float data (raw_data or
/// float_data), or whether the data lives in an external file.</summary>
internal sealed class OnnxTensorProto
{
    private readonly List<float> _floatData = [];
    private ByteString? _rawData;

    public string Name { get; private set; } = string.Empty;

    public List<long> Dims { get; } = [];

    public int DataType { get; private set; }

    /// <summary>Whether the data is kept outside the model file (data_location EXTERNAL or external_data entries).</summary>
    public bool External { get; private set; }

    public static OnnxTensorProto Parse(ReadOnlyMemory<byte> message)
    {
        var tensor = new OnnxTensorProto();
        ProtoReader.ReadTagged(message, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case OnnxField.TensorDims: ProtoReader.Int64s(tag, input, tensor.Dims); break;
                case OnnxField.TensorDataType: tensor.DataType = input.ReadInt32(); break;
                case OnnxField.TensorFloatData: ProtoReader.Floats(tag, input, tensor._floatData); break;
                case OnnxField.TensorName: tensor.Name = input.ReadString(); break;
                case OnnxField.TensorRawData: tensor._rawData = input.ReadBytes(); break;
                case OnnxField.TensorExternalData: tensor.External = true; input.SkipLastField(); break;
                case OnnxField.TensorDataLocation: tensor.External |= input.ReadInt32() == 1; break;
                default: input.SkipLastField(); break;
            }
        });
        return tensor;
    }

    /// <summary>How many values the data holds (raw_data bytes / 4 when present, else float_data's count).</summary>
    public long ValueCount => _rawData is not null ? _rawData.Length / sizeof(float) : _floatData.Count;

    /// <summary>Whether raw_data's length is not a whole number of floats.</summary>
    public bool RawLengthIsRagged => _rawData is not null && _rawData.Length % sizeof(float) != 0;

    /// <summary>The float values, in row-major order.</summary>
    public float[] Values()
    {
        if (_rawData is null)
        {
            return [.. _floatData];
        }

        ReadOnlySpan<byte> bytes = _rawData.Span;
        float[] values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }
}
