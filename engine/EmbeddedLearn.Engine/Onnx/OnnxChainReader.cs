using System.Globalization;
using EmbeddedLearn.Components;
using Google.Protobuf;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// Reads an ONNX file of the form <see cref="OnnxModel"/> writes back into a layout and parameters: one graph input
/// (<c>[N, in]</c>, or <c>[K, N, in]</c> for a stack), then a single chain of dense layers, each a <c>Gemm</c> (alpha 1,
/// beta 1, transA 0, transB 0 or 1, constant weight and optional constant bias) or a <c>MatMul</c> by a constant weight
/// (<c>[in, out]</c>, or <c>[K, in, out]</c>), a layer without bias followed by an optional <c>Add</c> of a constant bias, with one activation (Tanh,
/// Relu, LeakyRelu with alpha 0.01, Sigmoid, or none) after every hidden layer and none after the last, ending at the one
/// graph output. Identity nodes are skipped. Anything else is an <see cref="OnnxException"/> naming the file, the node
/// by position and operator, and what is wrong.
/// </summary>
internal sealed class OnnxChainReader
{
    /// <summary>The operators an import understands, as the error message lists them.</summary>
    public const string SupportedOperators = "Gemm, MatMul, Add, Tanh, Relu, LeakyRelu, Sigmoid, Identity";

    private readonly string _file;
    private readonly Dictionary<string, OnnxTensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly List<Layer> _layers = [];
    private int? _models; // K for a stack (3-D weights), 1 for a single model; null until the first weight
    private bool _stacked;
    private int? _width; // the width the chain's current value has, when known

    private OnnxChainReader(string file)
    {
        _file = file;
    }

    /// <summary>Reads <paramref name="bytes"/>, the contents of <paramref name="file"/> (the name errors give).</summary>
    /// <exception cref="OnnxException">The file is not of the supported form.</exception>
    public static OnnxNetwork Read(byte[] bytes, string file)
    {
        var reader = new OnnxChainReader(file);
        if (bytes.Length == 0)
        {
            throw reader.Error("the file is empty");
        }

        OnnxModelProto model;
        try
        {
            model = OnnxModelProto.Parse(bytes);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new OnnxException(file, "the file is truncated or is not an ONNX model: its protobuf encoding cannot be read", ex);
        }

        return reader.Interpret(model);
    }

    private OnnxNetwork Interpret(OnnxModelProto model)
    {
        OnnxGraphProto graph = model.Graph ?? throw Error("the file holds no graph (it is truncated or is not an ONNX model)");
        long opset = model.Opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 7)
        {
            throw Error(opset == 0 ? "the model imports no opset of the default ONNX domain"
                : Text($"opset {opset} is not supported; opset 7 or newer is"));
        }

        if (graph.HasSparseInitializers)
        {
            throw Error("sparse initializers are not supported");
        }

        foreach (OnnxTensorProto tensor in graph.Initializers)
        {
            _initializers[tensor.Name] = tensor;
        }

        List<OnnxValueInfoProto> inputs = [.. graph.Inputs.Where(i => !_initializers.ContainsKey(i.Name))];
        if (inputs.Count != 1 || graph.Outputs.Count != 1)
        {
            throw Error(Text($"the graph has {inputs.Count} input(s) ({Names(inputs)}) and {graph.Outputs.Count} output(s) ({Names(graph.Outputs)}); one input and one output are supported"));
        }

        OnnxValueInfoProto input = inputs[0], output = graph.Outputs[0];
        CheckFloat(input, "input");
        CheckFloat(output, "output");
        _width = input.Dims is { Count: > 0 } dims ? Positive(dims[^1]) : null;
        string current = input.Name;
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            current = Step(graph.Nodes[n], n, current);
        }

        if (_layers.Count == 0)
        {
            throw Error("the graph has no Gemm or MatMul node: there is no layer to import");
        }

        if (current != output.Name)
        {
            throw Error(Text($"the graph's output '{output.Name}' is not the end of the chain of nodes from '{input.Name}' (the last node gives '{current}')"));
        }

        ModelLayout layout = BuildLayout();
        CheckDeclared(input, "input", layout.InputWidth);
        CheckDeclared(output, "output", layout.OutputWidth);
        return new OnnxNetwork(layout, Parameters(layout));
    }

    /// <summary>Applies node <paramref name="n"/> to the chain whose current value is <paramref name="current"/>;
    /// returns the new current value.</summary>
    private string Step(OnnxNodeProto node, int n, string current)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw NodeError(node, n, Text($"domain '{node.Domain}' is not supported; only the default ONNX domain is"));
        }

        bool known = node.OpType is "Gemm" or "MatMul" or "Add" or "Tanh" or "Relu" or "LeakyRelu" or "Sigmoid" or "Identity";
        if (!known)
        {
            throw NodeError(node, n, Text($"operator {node.OpType} is not supported; supported: {SupportedOperators}"));
        }

        if (node.Outputs.Count != 1)
        {
            throw NodeError(node, n, Text($"it has {node.Outputs.Count} outputs; one is supported"));
        }

        string chained = node.OpType == "Add" && node.Inputs.Count == 2 && node.Inputs[1] == current ? node.Inputs[1]
            : node.Inputs.Count > 0 ? node.Inputs[0] : string.Empty;
        if (chained != current)
        {
            throw NodeError(node, n, Text($"its input '{chained}' is not the previous node's output '{current}'; only a single chain of nodes is supported"));
        }

        switch (node.OpType)
        {
            case "Gemm": Gemm(node, n); break;
            case "MatMul": MatMul(node, n); break;
            case "Add": Add(node, n, node.Inputs.Count == 2 ? node.Inputs[node.Inputs[0] == current ? 1 : 0] : string.Empty); break;
            case "Identity": break;
            default: Activate(node, n); break;
        }

        return node.Outputs[0];
    }

    private void Gemm(OnnxNodeProto node, int n)
    {
        long transB = 0;
        foreach (OnnxAttributeProto a in node.Attributes)
        {
            bool ok = a.Name switch
            {
                "alpha" or "beta" => a.Type == OnnxField.AttributeTypeFloat && a.FloatValue == 1f,
                "transA" => a.Type == OnnxField.AttributeTypeInt && a.IntValue == 0,
                "transB" => a.Type == OnnxField.AttributeTypeInt && a.IntValue is 0 or 1,
                _ => false,
            };
            if (!ok)
            {
                throw NodeError(node, n, Text($"attribute {a.Name} = {AttributeText(a)} is not supported; Gemm is read with alpha 1, beta 1, transA 0 and transB 0 or 1"));
            }

            transB = a.Name == "transB" ? a.IntValue : transB;
        }

        if (node.Inputs.Count is < 2 or > 3)
        {
            throw NodeError(node, n, Text($"it has {node.Inputs.Count} inputs; Gemm needs 2 or 3"));
        }

        OnnxTensorProto weight = Initializer(node, n, node.Inputs[1], "weight");
        if (weight.Dims.Count != 2 || _stacked)
        {
            throw NodeError(node, n, Text($"weight '{weight.Name}' has shape {Shape(weight.Dims)}; Gemm reads 2-D weights of a single model ({(transB == 1 ? "[out, in]" : "[in, out]")})"));
        }

        _models ??= 1;
        int inW = Positive(weight, transB == 1 ? 1 : 0, node, n), outW = Positive(weight, transB == 1 ? 0 : 1, node, n);
        Layer layer = OpenLayer(node, n, weight, inW, outW);
        layer.Weights = Transposed(Data(weight, node, n), 1, inW, outW, alreadyTorch: transB == 1);
        if (node.Inputs.Count == 3 && node.Inputs[2].Length > 0)
        {
            layer.Bias = Bias(node, n, node.Inputs[2], outW);
        }

    }

    private void MatMul(OnnxNodeProto node, int n)
    {
        if (node.Inputs.Count != 2 || node.Attributes.Count > 0)
        {
            throw NodeError(node, n, Text($"it has {node.Inputs.Count} inputs and {node.Attributes.Count} attributes; MatMul needs 2 inputs and none"));
        }

        OnnxTensorProto weight = Initializer(node, n, node.Inputs[1], "weight");
        bool stacked = weight.Dims.Count == 3;
        if (weight.Dims.Count is not (2 or 3) || (_models is not null && stacked != _stacked))
        {
            string expected = _models is null ? "[in, out] or, for a stack of models, [K, in, out]" : _stacked ? "[K, in, out]" : "[in, out]";
            throw NodeError(node, n, Text($"weight '{weight.Name}' has shape {Shape(weight.Dims)}; {expected} is expected"));
        }

        int k = stacked ? Positive(weight, 0, node, n) : 1;
        if (_models is int models && models != k)
        {
            throw NodeError(node, n, Text($"weight '{weight.Name}' has shape {Shape(weight.Dims)}: it stacks {k} models, the earlier layers {models}"));
        }

        (_models, _stacked) = (k, stacked);
        int inW = Positive(weight, stacked ? 1 : 0, node, n), outW = Positive(weight, stacked ? 2 : 1, node, n);
        Layer layer = OpenLayer(node, n, weight, inW, outW);
        layer.Weights = Transposed(Data(weight, node, n), k, inW, outW, alreadyTorch: false);
    }

    private void Add(OnnxNodeProto node, int n, string biasName)
    {
        Layer? open = _layers.Count > 0 && _layers[^1].Bias is null && _layers[^1].Activation is null ? _layers[^1] : null;
        if (open is null || node.Inputs.Count != 2)
        {
            throw NodeError(node, n, "an Add is supported only as the bias of the MatMul (or Gemm without bias) just before it");
        }

        open.Bias = Bias(node, n, biasName, open.Out);
    }

    private void Activate(OnnxNodeProto node, int n)
    {
        Layer? layer = _layers.Count > 0 ? _layers[^1] : null;
        if (layer is null || layer.Activation is not null)
        {
            throw NodeError(node, n, layer is null ? "an activation before the first layer is not supported"
                : "it follows another activation; one activation after each hidden layer is supported");
        }

        Activation activation = node.OpType switch
        {
            "Tanh" => Activation.Tanh,
            "Relu" => Activation.Relu,
            "Sigmoid" => Activation.Sigmoid,
            _ => Activation.LeakyRelu,
        };
        foreach (OnnxAttributeProto a in node.Attributes)
        {
            bool slope = activation == Activation.LeakyRelu && a.Name == "alpha" && a.Type == OnnxField.AttributeTypeFloat;
            if (!slope)
            {
                throw NodeError(node, n, Text($"attribute {a.Name} = {AttributeText(a)} is not supported"));
            }

            if (a.FloatValue != ActivationNames.LeakyReluSlope)
            {
                throw NodeError(node, n, Text($"alpha {a.FloatValue.ToString("R", CultureInfo.InvariantCulture)} is not supported; EmbeddedLearn's leaky_relu has slope {ActivationNames.LeakyReluSlope.ToString("R", CultureInfo.InvariantCulture)}"));
            }
        }

        (layer.Activation, layer.ActivationNode, layer.ActivationOp) = (activation, n, node.OpType);
    }

    private Layer OpenLayer(OnnxNodeProto node, int n, OnnxTensorProto weight, int inW, int outW)
    {
        if (_width is int width && width != inW)
        {
            string from = _layers.Count == 0 ? "the graph's input is" : "the previous layer gives";
            throw NodeError(node, n, Text($"weight '{weight.Name}' has shape {Shape(weight.Dims)}, so the layer takes {inW} inputs, but {from} {width} wide"));
        }

        var layer = new Layer { In = inW, Out = outW, Node = n, Op = node.OpType };
        _layers.Add(layer);
        _width = outW;
        return layer;
    }

    private float[] Bias(OnnxNodeProto node, int n, string name, int outW)
    {
        OnnxTensorProto bias = Initializer(node, n, name, "bias");
        int k = _models ?? 1;
        bool fits = _stacked
            ? bias.Dims.Count == 3 && bias.Dims[0] == k && bias.Dims[1] == 1 && bias.Dims[2] == outW
            : (bias.Dims.Count == 1 && bias.Dims[0] == outW) || (bias.Dims.Count == 2 && bias.Dims[0] == 1 && bias.Dims[1] == outW);
        if (!fits)
        {
            string expected = _stacked ? Text($"[K, 1, out] = [{k}, 1, {outW}]") : Text($"[out] = [{outW}]");
            throw NodeError(node, n, Text($"bias '{bias.Name}' has shape {Shape(bias.Dims)}; {expected} is expected"));
        }

        return Data(bias, node, n);
    }

    private OnnxTensorProto Initializer(OnnxNodeProto node, int n, string name, string role) =>
        _initializers.TryGetValue(name, out OnnxTensorProto? tensor) ? tensor
            : throw NodeError(node, n, Text($"{role} '{name}' is not an initializer; only constant weights and biases are supported"));

    private float[] Data(OnnxTensorProto tensor, OnnxNodeProto node, int n)
    {
        if (tensor.DataType != OnnxField.DataTypeFloat)
        {
            throw NodeError(node, n, Text($"initializer '{tensor.Name}' has data type {tensor.DataType}; only float (1) is supported"));
        }

        if (tensor.External)
        {
            throw NodeError(node, n, Text($"initializer '{tensor.Name}' keeps its data in an external file; only data inside the model file is supported"));
        }

        long needed = 1;
        foreach (long d in tensor.Dims)
        {
            needed = d is >= 0 and <= int.MaxValue && needed * d <= Array.MaxLength ? needed * d : long.MaxValue;
        }

        if (tensor.RawLengthIsRagged || tensor.ValueCount != needed)
        {
            throw NodeError(node, n, Text($"initializer '{tensor.Name}' holds {tensor.ValueCount} values but its shape {Shape(tensor.Dims)} needs {(needed == long.MaxValue ? "more than can be held" : needed.ToString(CultureInfo.InvariantCulture))}"));
        }

        float[] values = tensor.Values();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw NodeError(node, n, Text($"initializer '{tensor.Name}' element {bad} is {values[bad].ToString(CultureInfo.InvariantCulture)}; values must be finite"));
        }

        return values;
    }

    /// <summary>The weights of <paramref name="k"/> models in PyTorch order <c>[K, out, in]</c>, from
    /// <c>[K, out, in]</c> (<paramref name="alreadyTorch"/>) or <c>[K, in, out]</c>.</summary>
    private static float[] Transposed(float[] values, int k, int inW, int outW, bool alreadyTorch)
    {
        if (alreadyTorch)
        {
            return values;
        }

        float[] torch = new float[values.Length];
        for (int m = 0; m < k; m++)
        {
            int b = m * inW * outW;
            for (int i = 0; i < inW; i++)
            {
                for (int o = 0; o < outW; o++)
                {
                    torch[b + (o * inW) + i] = values[b + (i * outW) + o];
                }
            }
        }

        return torch;
    }

    private ModelLayout BuildLayout()
    {
        Layer last = _layers[^1];
        if (last.Activation is not null)
        {
            throw Error(Text($"node {last.ActivationNode} ({last.ActivationOp}): an activation after the last layer is not supported; the output layer of an EmbeddedLearn model is linear"));
        }

        Activation hidden = _layers.Count > 1 ? _layers[0].Activation ?? Activation.Identity : Activation.Identity;
        for (int l = 1; l < _layers.Count - 1; l++)
        {
            Activation here = _layers[l].Activation ?? Activation.Identity;
            if (here != hidden)
            {
                (int node, string op) = _layers[l].Activation is null ? (_layers[l].Node, _layers[l].Op) : (_layers[l].ActivationNode, _layers[l].ActivationOp);
                throw Error(Text($"node {node} ({op}): hidden layer {l} uses {ActivationNames.ToName(here)} but hidden layer 0 uses {ActivationNames.ToName(hidden)}; one activation for every hidden layer is supported"));
            }
        }

        int[] widths = [_layers[0].In, .. _layers.Select(l => l.Out)];
        try
        {
            return new ModelLayout(widths, hidden);
        }
        catch (ArgumentException ex)
        {
            throw new OnnxException(_file, ex.Message, ex);
        }
    }

    private float[][] Parameters(ModelLayout layout)
    {
        int k = _models ?? 1;
        float[][] models = new float[k][];
        for (int m = 0; m < k; m++)
        {
            float[] p = models[m] = new float[layout.ParameterCount];
            for (int l = 0; l < _layers.Count; l++)
            {
                Layer layer = _layers[l];
                int size = layer.In * layer.Out;
                layer.Weights.AsSpan(m * size, size).CopyTo(p.AsSpan(layout.WeightOffset(l)));
                layer.Bias?.AsSpan(m * layer.Out, layer.Out).CopyTo(p.AsSpan(layout.BiasOffset(l)));
            }
        }

        return models;
    }

    private void CheckFloat(OnnxValueInfoProto value, string role)
    {
        if (value.ElementType != OnnxField.DataTypeFloat)
        {
            throw Error(Text($"{role} '{value.Name}' has element type {value.ElementType}; only float (1) is supported"));
        }
    }

    private void CheckDeclared(OnnxValueInfoProto value, string role, int width)
    {
        if (value.Dims is null)
        {
            return;
        }

        int k = _models ?? 1;
        bool fits = value.Dims.Count == (_stacked ? 3 : 2) && (value.Dims[^1] is null || value.Dims[^1] == width)
            && (!_stacked || value.Dims[0] is null || value.Dims[0] == k);
        if (!fits)
        {
            string expected = _stacked ? Text($"[{k}, N, {width}]") : Text($"[N, {width}]");
            throw Error(Text($"{role} '{value.Name}' is declared {value.ShapeText("N")} but the layers take or give {expected}"));
        }
    }

    private int? Positive(long? dim) => dim is long d ? (d is >= 1 and <= int.MaxValue ? (int)d
        : throw Error(Text($"a dimension of the graph's input is {d}; dimensions must be in 1..{int.MaxValue}"))) : null;

    private int Positive(OnnxTensorProto tensor, int axis, OnnxNodeProto node, int n) =>
        tensor.Dims[axis] is >= 1 and <= int.MaxValue ? (int)tensor.Dims[axis]
            : throw NodeError(node, n, Text($"initializer '{tensor.Name}' has shape {Shape(tensor.Dims)}; dimensions must be in 1..{int.MaxValue}"));

    private OnnxException Error(string problem) => new(_file, problem);

    private OnnxException NodeError(OnnxNodeProto node, int n, string problem) => Error(Text($"node {n} ({node.OpType}): {problem}"));

    private static string Shape(List<long> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Names(IEnumerable<OnnxValueInfoProto> values) => string.Join(", ", values.Select(v => "'" + v.Name + "'"));

    private static string AttributeText(OnnxAttributeProto a) => a.Type switch
    {
        OnnxField.AttributeTypeFloat => a.FloatValue.ToString("R", CultureInfo.InvariantCulture),
        OnnxField.AttributeTypeInt => a.IntValue.ToString(CultureInfo.InvariantCulture),
        _ => "(attribute type " + a.Type.ToString(CultureInfo.InvariantCulture) + ")",
    };

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One dense layer as read: widths, weights <c>[K, out, in]</c> in PyTorch order, bias <c>[K, out]</c> (null:
    /// none), the node that made it, and the activation after it.</summary>
    private sealed class Layer
    {
        public int In, Out, Node;
        public string Op = string.Empty;
        public float[] Weights = [];
        public float[]? Bias;
        public Activation? Activation;
        public int ActivationNode;
        public string ActivationOp = string.Empty;
    }
}
