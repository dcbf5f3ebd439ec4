using System.Globalization;
using System.Text;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// Encodes an MLP as an ONNX ModelProto (see <see cref="OnnxModel"/> for the form), and the message building blocks
/// (tensor, value info, node, attribute, model) the form is made of.
/// </summary>
internal static class OnnxModelWriter
{
    /// <summary>One model: input <c>[N, in]</c>; per layer <c>Gemm(x, W [out, in], b [out], transB = 1)</c> and the
    /// hidden activation; output <c>[N, out]</c>. <paramref name="torchParameters"/> holds P floats in PyTorch order.</summary>
    public static ProtoMessage Single(ModelLayout layout, ReadOnlySpan<float> torchParameters)
    {
        var graph = new ProtoMessage();
        string current = OnnxModel.InputName;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
            string weight = Name(l, "weight"), bias = Name(l, "bias");
            bool last = l == layout.LayerCount - 1;
            string linear = last ? OnnxModel.OutputName : Name(l, "linear");
            graph.Message(OnnxField.GraphNode, Node("Gemm", Name(l, "gemm"), [current, weight, bias], [linear],
                IntAttribute("transB", 1)));
            graph.Message(OnnxField.GraphInitializer, Tensor(weight, [outW, inW], torchParameters.Slice(layout.WeightOffset(l), outW * inW)));
            graph.Message(OnnxField.GraphInitializer, Tensor(bias, [outW], torchParameters.Slice(layout.BiasOffset(l), outW)));
            current = last ? linear : Activate(graph, layout.HiddenActivation, l, linear);
        }

        graph.String(OnnxField.GraphName, "embeddedlearn_mlp");
        graph.Message(OnnxField.GraphInput, ValueInfo(OnnxModel.InputName, [OnnxModel.BatchDimension, Dim(layout.InputWidth)]));
        graph.Message(OnnxField.GraphOutput, ValueInfo(OnnxModel.OutputName, [OnnxModel.BatchDimension, Dim(layout.OutputWidth)]));
        return Model(graph, Describe(layout, models: 1), layout, models: 1);
    }

    /// <summary>K models of one layout: input <c>[K, N, in]</c>; per layer <c>MatMul(x, W^T [K, in, out])</c>,
    /// <c>Add(b [K, 1, out])</c> and the hidden activation; output <c>[K, N, out]</c>. Each element of
    /// <paramref name="torchModels"/> holds one model's P floats in PyTorch order.</summary>
    public static ProtoMessage Stacked(ModelLayout layout, IReadOnlyList<float[]> torchModels)
    {
        int k = torchModels.Count;
        var graph = new ProtoMessage();
        string current = OnnxModel.InputName;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
            string weight = Name(l, "weight_t"), bias = Name(l, "bias");
            bool last = l == layout.LayerCount - 1;
            string product = Name(l, "matmul"), linear = last ? OnnxModel.OutputName : Name(l, "linear");
            graph.Message(OnnxField.GraphNode, Node("MatMul", Name(l, "matmul"), [current, weight], [product]));
            graph.Message(OnnxField.GraphNode, Node("Add", Name(l, "add"), [product, bias], [linear]));
            float[] transposed = new float[k * inW * outW], biases = new float[k * outW];
            for (int m = 0; m < k; m++)
            {
                ReadOnlySpan<float> w = torchModels[m].AsSpan(layout.WeightOffset(l), outW * inW);
                Span<float> t = transposed.AsSpan(m * inW * outW, inW * outW);
                for (int o = 0; o < outW; o++)
                {
                    for (int i = 0; i < inW; i++)
                    {
                        t[(i * outW) + o] = w[(o * inW) + i];
                    }
                }

                torchModels[m].AsSpan(layout.BiasOffset(l), outW).CopyTo(biases.AsSpan(m * outW));
            }

            graph.Message(OnnxField.GraphInitializer, Tensor(weight, [k, inW, outW], transposed));
            graph.Message(OnnxField.GraphInitializer, Tensor(bias, [k, 1, outW], biases));
            current = last ? linear : Activate(graph, layout.HiddenActivation, l, linear);
        }

        graph.String(OnnxField.GraphName, "embeddedlearn_mlp_stack");
        string models = Dim(k);
        graph.Message(OnnxField.GraphInput, ValueInfo(OnnxModel.InputName, [models, OnnxModel.BatchDimension, Dim(layout.InputWidth)]));
        graph.Message(OnnxField.GraphOutput, ValueInfo(OnnxModel.OutputName, [models, OnnxModel.BatchDimension, Dim(layout.OutputWidth)]));
        return Model(graph, Describe(layout, k), layout, k);
    }

    /// <summary>A ModelProto around <paramref name="graph"/>: IR version <see cref="OnnxModel.IrVersion"/>, the default
    /// domain at <paramref name="opset"/>, producer EmbeddedLearn, the doc string, and (with a layout) the metadata
    /// <c>embeddedlearn.layout</c>, <c>embeddedlearn.hidden_activation</c> and <c>embeddedlearn.models</c>.</summary>
    public static ProtoMessage Model(ProtoMessage graph, string docString, ModelLayout? layout, int models, int opset = OnnxModel.Opset)
    {
        var model = new ProtoMessage()
            .Int64(OnnxField.ModelIrVersion, OnnxModel.IrVersion)
            .Message(OnnxField.ModelOpsetImport, new ProtoMessage().String(OnnxField.OpsetDomain, string.Empty).Int64(OnnxField.OpsetVersion, opset))
            .String(OnnxField.ModelProducerName, OnnxModel.ProducerName)
            .String(OnnxField.ModelProducerVersion, typeof(OnnxModel).Assembly.GetName().Version?.ToString(3) ?? "0.0.0")
            .Int64(OnnxField.ModelVersion, 1)
            .String(OnnxField.ModelDocString, docString)
            .Message(OnnxField.ModelGraph, graph);
        if (layout is not null)
        {
            string widths = string.Join(",", layout.Widths.ToArray().Select(w => w.ToString(CultureInfo.InvariantCulture)));
            model.Message(OnnxField.ModelMetadataProps, Entry("embeddedlearn.layout", widths));
            model.Message(OnnxField.ModelMetadataProps, Entry("embeddedlearn.hidden_activation", ActivationNames.ToName(layout.HiddenActivation)));
            model.Message(OnnxField.ModelMetadataProps, Entry("embeddedlearn.models", models.ToString(CultureInfo.InvariantCulture)));
        }

        return model;
    }

    /// <summary>A float TensorProto (an initializer) with its values as little-endian raw_data.</summary>
    public static ProtoMessage Tensor(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtoMessage();
        foreach (long d in dims)
        {
            tensor.Int64(OnnxField.TensorDims, d);
        }

        return tensor.Int64(OnnxField.TensorDataType, OnnxField.DataTypeFloat).String(OnnxField.TensorName, name)
            .FloatBytes(OnnxField.TensorRawData, values);
    }

    /// <summary>A float tensor ValueInfoProto; a dimension that is a decimal integer is a dim_value, any other text a
    /// symbolic dim_param.</summary>
    public static ProtoMessage ValueInfo(string name, ReadOnlySpan<string> dims)
    {
        var shape = new ProtoMessage();
        foreach (string d in dims)
        {
            var dim = new ProtoMessage();
            _ = long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
                ? dim.Int64(OnnxField.DimValue, value) : dim.String(OnnxField.DimParam, d);
            shape.Message(OnnxField.ShapeDim, dim);
        }

        var tensorType = new ProtoMessage().Int64(OnnxField.TensorTypeElemType, OnnxField.DataTypeFloat).Message(OnnxField.TensorTypeShape, shape);
        return new ProtoMessage().String(OnnxField.ValueName, name)
            .Message(OnnxField.ValueType, new ProtoMessage().Message(OnnxField.TypeTensor, tensorType));
    }

    /// <summary>A NodeProto of the default domain.</summary>
    public static ProtoMessage Node(string opType, string name, ReadOnlySpan<string> inputs, ReadOnlySpan<string> outputs,
        params ReadOnlySpan<ProtoMessage> attributes)
    {
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(OnnxField.NodeInput, input);
        }

        foreach (string output in outputs)
        {
            node.String(OnnxField.NodeOutput, output);
        }

        node.String(OnnxField.NodeName, name).String(OnnxField.NodeOpType, opType);
        foreach (ProtoMessage attribute in attributes)
        {
            node.Message(OnnxField.NodeAttribute, attribute);
        }

        return node;
    }

    /// <summary>An INT AttributeProto.</summary>
    public static ProtoMessage IntAttribute(string name, long value) => new ProtoMessage()
        .String(OnnxField.AttributeName, name).Int64(OnnxField.AttributeInt, value).Int64(OnnxField.AttributeType, OnnxField.AttributeTypeInt);

    /// <summary>A FLOAT AttributeProto.</summary>
    public static ProtoMessage FloatAttribute(string name, float value) => new ProtoMessage()
        .String(OnnxField.AttributeName, name).Float(OnnxField.AttributeFloat, value).Int64(OnnxField.AttributeType, OnnxField.AttributeTypeFloat);

    /// <summary>The doc string: the layout, the layers as PyTorch modules, and the shapes.</summary>
    public static string Describe(ModelLayout layout, int models)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"EmbeddedLearn MLP {layout}");
        if (models > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", {models} models stacked");
        }

        text.Append(": ");
        string act = layout.HiddenActivation switch
        {
            Activation.Relu => "ReLU",
            Activation.LeakyRelu => "LeakyReLU(0.01)",
            Activation.Tanh => "Tanh",
            Activation.Sigmoid => "Sigmoid",
            _ => string.Empty,
        };
        for (int l = 0; l < layout.LayerCount; l++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(l > 0 ? ", " : string.Empty)}Linear({layout.LayerInput(l)}, {layout.LayerOutput(l)})");
            if (l < layout.LayerCount - 1 && act.Length > 0)
            {
                text.Append(", ").Append(act);
            }
        }

        string batch = models > 1 ? string.Create(CultureInfo.InvariantCulture, $"[{models}, N, ") : "[N, ";
        text.Append(CultureInfo.InvariantCulture,
            $"; each layer y = x W^T + b; input '{OnnxModel.InputName}' float32 {batch}{layout.InputWidth}], output '{OnnxModel.OutputName}' float32 {batch}{layout.OutputWidth}].");
        return text.ToString();
    }

    private static string Activate(ProtoMessage graph, Activation activation, int layer, string input)
    {
        string output = Name(layer, "act");
        switch (activation)
        {
            case Activation.Identity:
                return input;
            case Activation.LeakyRelu:
                graph.Message(OnnxField.GraphNode, Node("LeakyRelu", Name(layer, "leaky_relu"), [input], [output],
                    FloatAttribute("alpha", ActivationNames.LeakyReluSlope)));
                return output;
            default:
                string op = activation switch { Activation.Relu => "Relu", Activation.Tanh => "Tanh", _ => "Sigmoid" };
                graph.Message(OnnxField.GraphNode, Node(op, Name(layer, op.ToLowerInvariant()), [input], [output]));
                return output;
        }
    }

    private static string Name(int layer, string what) => string.Create(CultureInfo.InvariantCulture, $"layer{layer}.{what}");

    private static string Dim(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static ProtoMessage Entry(string key, string value) =>
        new ProtoMessage().String(OnnxField.EntryKey, key).String(OnnxField.EntryValue, value);
}
