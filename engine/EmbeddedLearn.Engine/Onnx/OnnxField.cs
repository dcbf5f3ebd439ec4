namespace EmbeddedLearn.Onnx;

/// <summary>
/// The field numbers and enum values of <c>onnx.proto</c> (ONNX 1.12+, IR version 8) this library writes and reads;
/// nothing is generated from the .proto file. Names are <c>Message_field</c>.
/// </summary>
internal static class OnnxField
{
    // ModelProto
    public const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDomain = 4, ModelVersion = 5,
        ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;

    // OperatorSetIdProto
    public const int OpsetDomain = 1, OpsetVersion = 2;

    // StringStringEntryProto
    public const int EntryKey = 1, EntryValue = 2;

    // GraphProto
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphDocString = 10, GraphInput = 11, GraphOutput = 12,
        GraphSparseInitializer = 15;

    // NodeProto
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;

    // AttributeProto
    public const int AttributeName = 1, AttributeFloat = 2, AttributeInt = 3, AttributeType = 20;

    /// <summary>AttributeProto.AttributeType values.</summary>
    public const int AttributeTypeFloat = 1, AttributeTypeInt = 2;

    // TensorProto
    public const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9,
        TensorExternalData = 13, TensorDataLocation = 14;

    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int DataTypeFloat = 1;

    // ValueInfoProto
    public const int ValueName = 1, ValueType = 2;

    // TypeProto and TypeProto.Tensor
    public const int TypeTensor = 1, TensorTypeElemType = 1, TensorTypeShape = 2;

    // TensorShapeProto and its Dimension
    public const int ShapeDim = 1, DimValue = 1, DimParam = 2;
}
