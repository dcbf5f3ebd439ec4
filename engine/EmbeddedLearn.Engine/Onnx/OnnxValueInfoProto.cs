using System.Globalization;

namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX ValueInfoProto an import reads: the name, the tensor element type and the shape (each
/// dimension a value, or null when symbolic or unknown); <see cref="Dims"/> is null when no shape is given.</summary>
internal sealed class OnnxValueInfoProto
{
    public string Name { get; private set; } = string.Empty;

    /// <summary>TensorProto.DataType of the tensor's elements; 0 when not a tensor type or not given.</summary>
    public int ElementType { get; private set; }

    public List<long?>? Dims { get; private set; }

    public static OnnxValueInfoProto Parse(ReadOnlyMemory<byte> message)
    {
        var info = new OnnxValueInfoProto();
        ProtoReader.Read(message, (field, input) =>
        {
            if (field == OnnxField.ValueName)
            {
                info.Name = input.ReadString();
            }
            else if (field == OnnxField.ValueType)
            {
                ProtoReader.Read(input.ReadBytes().Memory, (typeField, typeInput) =>
                {
                    if (typeField == OnnxField.TypeTensor)
                    {
                        info.ReadTensorType(typeInput.ReadBytes().Memory);
                    }
                    else
                    {
                        typeInput.SkipLastField();
                    }
                });
            }
            else
            {
                input.SkipLastField();
            }
        });
        return info;
    }

    /// <summary>The shape as text, such as <c>[N, 3]</c> (<c>?</c> for a dimension without a value), or <c>unknown</c>.</summary>
    public string ShapeText(string symbol) => Dims is null ? "unknown"
        : "[" + string.Join(", ", Dims.Select(d => d is long v ? v.ToString(CultureInfo.InvariantCulture) : symbol)) + "]";

    private void ReadTensorType(ReadOnlyMemory<byte> message)
    {
        ProtoReader.Read(message, (field, input) =>
        {
            if (field == OnnxField.TensorTypeElemType)
            {
                ElementType = input.ReadInt32();
            }
            else if (field == OnnxField.TensorTypeShape)
            {
                Dims = [];
                ProtoReader.Read(input.ReadBytes().Memory, (shapeField, shapeInput) =>
                {
                    if (shapeField != OnnxField.ShapeDim)
                    {
                        shapeInput.SkipLastField();
                        return;
                    }

                    long? value = null;
                    ProtoReader.Read(shapeInput.ReadBytes().Memory, (dimField, dimInput) =>
                    {
                        if (dimField == OnnxField.DimValue)
                        {
                            value = dimInput.ReadInt64();
                        }
                        else
                        {
                            dimInput.SkipLastField();
                        }
                    });
                    Dims.Add(value);
                });
            }
            else
            {
                input.SkipLastField();
            }
        });
    }
}
