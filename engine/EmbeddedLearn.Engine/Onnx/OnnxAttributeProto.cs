namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX AttributeProto an import reads: name, type, and a single float or int value.</summary>
internal sealed class OnnxAttributeProto
{
    public string Name { get; private set; } = string.Empty;

    /// <summary>AttributeProto.AttributeType (1 FLOAT, 2 INT, ...), 0 when absent.</summary>
    public int Type { get; private set; }

    public float FloatValue { get; private set; }

    public long IntValue { get; private set; }

    public static OnnxAttributeProto Parse(ReadOnlyMemory<byte> message)
    {
        var attribute = new OnnxAttributeProto();
        ProtoReader.Read(message, (field, input) =>
        {
            switch (field)
            {
                case OnnxField.AttributeName: attribute.Name = input.ReadString(); break;
                case OnnxField.AttributeFloat: attribute.FloatValue = input.ReadFloat(); break;
                case OnnxField.AttributeInt: attribute.IntValue = input.ReadInt64(); break;
                case OnnxField.AttributeType: attribute.Type = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        });
        return attribute;
    }
}
