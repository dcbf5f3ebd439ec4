namespace EmbeddedLearn.Onnx;

/// <summary>The parts of an ONNX ModelProto an import reads: IR version, opset imports (domain, version), producer and
/// the graph (null when the file holds none).</summary>
internal sealed class OnnxModelProto
{
    public long IrVersion { get; private set; }

    public List<(string Domain, long Version)> Opsets { get; } = [];

    public string ProducerName { get; private set; } = string.Empty;

    public OnnxGraphProto? Graph { get; private set; }

    public static OnnxModelProto Parse(ReadOnlyMemory<byte> message)
    {
        var model = new OnnxModelProto();
        ProtoReader.Read(message, (field, input) =>
        {
            switch (field)
            {
                case OnnxField.ModelIrVersion: model.IrVersion = input.ReadInt64(); break;
                case OnnxField.ModelProducerName: model.ProducerName = input.ReadString(); break;
                case OnnxField.ModelGraph: model.Graph = OnnxGraphProto.Parse(input.ReadBytes().Memory); break;
                case OnnxField.ModelOpsetImport:
                    string domain = string.Empty;
                    long version = 0;
                    ProtoReader.Read(input.ReadBytes().Memory, (opsetField, opsetInput) =>
                    {
                        switch (opsetField)
                        {
                            case OnnxField.OpsetDomain: domain = opsetInput.ReadString(); break;
                            case OnnxField.OpsetVersion: version = opsetInput.ReadInt64(); break;
                            default: opsetInput.SkipLastField(); break;
                        }
                    });
                    model.Opsets.Add((domain, version));
                    break;
                default: input.SkipLastField(); break;
            }
        });
        return model;
    }
}
