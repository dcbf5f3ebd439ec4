namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX GraphProto an import reads: nodes in order, initializers, inputs and outputs, and
/// whether it has sparse initializers (not supported).</summary>
internal sealed class OnnxGraphProto
{
    public List<OnnxNodeProto> Nodes { get; } = [];

    public List<OnnxTensorProto> Initializers { get; } = [];

    public List<OnnxValueInfoProto> Inputs { get; } = [];

    public List<OnnxValueInfoProto> Outputs { get; } = [];

    public bool HasSparseInitializers { get; private set; }

    public static OnnxGraphProto Parse(ReadOnlyMemory<byte> message)
    {
        var graph = new OnnxGraphProto();
        ProtoReader.Read(message, (field, input) =>
        {
            switch (field)
            {
                case OnnxField.GraphNode: graph.Nodes.Add(OnnxNodeProto.Parse(input.ReadBytes().Memory)); break;
                case OnnxField.GraphInitializer: graph.Initializers.Add(OnnxTensorProto.Parse(input.ReadBytes().Memory)); break;
                case OnnxField.GraphInput: graph.Inputs.Add(OnnxValueInfoProto.Parse(input.ReadBytes().Memory)); break;
                case OnnxField.GraphOutput: graph.Outputs.Add(OnnxValueInfoProto.Parse(input.ReadBytes().Memory)); break;
                case OnnxField.GraphSparseInitializer: graph.HasSparseInitializers = true; input.SkipLastField(); break;
                default: input.SkipLastField(); break;
            }
        });
        return graph;
    }
}
