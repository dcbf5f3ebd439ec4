namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX NodeProto an import reads: operator, domain, name, inputs, outputs and attributes.</summary>
internal sealed class OnnxNodeProto
{
    public string OpType { get; private set; } = string.Empty;

    public string Domain { get; private set; } = string.Empty;

    public string Name { get; private set; } = string.Empty;

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public List<OnnxAttributeProto> Attributes { get; } = [];

    public static OnnxNodeProto Parse(ReadOnlyMemory<byte> message)
    {
        var node = new OnnxNodeProto();
        ProtoReader.Read(message, (field, input) =>
        {
            switch (field)
            {
                case OnnxField.NodeInput: node.Inputs.Add(input.ReadString()); break;
                case OnnxField.NodeOutput: node.Outputs.Add(input.ReadString()); break;
                case OnnxField.NodeName: node.Name = input.ReadString(); break;
                case OnnxField.NodeOpType: node.OpType = input.ReadString(); break;
                case OnnxField.NodeAttribute: node.Attributes.Add(OnnxAttributeProto.Parse(input.ReadBytes().Memory)); break;
                case OnnxField.NodeDomain: node.Domain = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        });
        return node;
    }
}
