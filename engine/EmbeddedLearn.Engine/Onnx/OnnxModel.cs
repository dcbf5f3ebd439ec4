using System.Globalization;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// Exports a model entity to a standard ONNX file, for the inference runtimes game engines use (ONNX Runtime, Unity
/// Sentis, Unreal NNE), and imports such a file back.
/// </summary>
/// <remarks>
/// <para>The file (IR version <see cref="IrVersion"/>, default domain at opset <see cref="Opset"/>, producer
/// <see cref="ProducerName"/>): graph input <see cref="InputName"/> float32 <c>[N, in]</c> (N the symbolic batch
/// dimension <see cref="BatchDimension"/>), graph output <see cref="OutputName"/> float32 <c>[N, out]</c>; per layer
/// <c>l</c> a <c>Gemm(x, layer{l}.weight, layer{l}.bias, transB = 1)</c>, that is <c>y = x W^T + b</c> with the weight
/// <c>[out, in]</c> and the bias <c>[out]</c> as in PyTorch's <c>nn.Linear</c>, followed on every hidden layer by the
/// hidden activation: <c>Tanh</c>, <c>Relu</c>, <c>LeakyRelu</c> (alpha = <see cref="ActivationNames.LeakyReluSlope"/>),
/// <c>Sigmoid</c>, or no node for identity. The output layer is linear. The doc string describes the layout; the
/// metadata holds <c>embeddedlearn.layout</c> (widths), <c>embeddedlearn.hidden_activation</c> and
/// <c>embeddedlearn.models</c>.</para>
/// <para>A stacked file (<see cref="ExportStacked(World, IReadOnlyList{Entity}, string)"/>) holds K models of one layout:
/// input <c>[K, N, in]</c>, per layer <c>MatMul(x, layer{l}.weight_t [K, in, out])</c> and
/// <c>Add(layer{l}.bias [K, 1, out])</c>, output <c>[K, N, out]</c>: model k's rows are <c>input[k]</c>.</para>
/// <para>An import reads the same forms, and generally a chain of <c>Gemm</c> (alpha 1, beta 1, transA 0, transB 0 or
/// 1) or <c>MatMul</c> (with an optional <c>Add</c> bias) layers with constant float weights, one activation after every
/// hidden layer (the same one) and none after the last; <c>Identity</c> nodes are skipped.</para>
/// </remarks>
public static class OnnxModel
{
    /// <summary>The opset of the default ONNX domain an export declares: 15 (ONNX 1.10), the newest Unity Sentis
    /// (Inference Engine) lists as supported (7 to 15); ONNX Runtime reads it from 1.10 on, Unreal NNE through its ONNX
    /// Runtime. Every operator an export uses (Gemm, MatMul, Add, Tanh, Relu, LeakyRelu, Sigmoid) means the same from
    /// opset 13 to the newest.</summary>
    public const int Opset = 15;

    /// <summary>The ONNX IR version an export declares: 8, the version of opset 15's release (ONNX 1.10).</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the graph input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph output.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name of the batch dimension (rows, one sample each).</summary>
    public const string BatchDimension = "N";

    /// <summary>The producer_name of an exported file.</summary>
    public const string ProducerName = "EmbeddedLearn";

    /// <summary>
    /// Writes <paramref name="entity"/>'s model (its current parameters, read on the host as
    /// <see cref="ModelSpec.ExportParameters"/> does: synchronised from a device backend, between ticks when called from
    /// another thread) to <paramref name="path"/> as an ONNX file, atomically (a temporary file renamed over the old one).
    /// A Q-learning agent exports its online network.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no model.</exception>
    /// <exception cref="TimeoutException">A tick on another thread did not end within <see cref="World.TickWaitLimit"/>.</exception>
    /// <exception cref="OnnxException">Writing failed; the previous file is unchanged.</exception>
    public static void Export(World world, Entity entity, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        (ModelLayout layout, float[] parameters) = Read(world, entity, "OnnxModel.Export");
        WriteFile(path, OnnxModelWriter.Single(layout, parameters));
    }

    /// <summary>Writes <paramref name="entity"/>'s model as an ONNX file to <paramref name="stream"/> (see
    /// <see cref="Export(World, Entity, string)"/>).</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no model.</exception>
    public static void Export(World world, Entity entity, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (ModelLayout layout, float[] parameters) = Read(world, entity, "OnnxModel.Export");
        OnnxModelWriter.Single(layout, parameters).WriteTo(stream);
    }

    /// <summary>
    /// Writes the models of <paramref name="entities"/> (K of them, one layout; batch sizes and optimizers may differ)
    /// to <paramref name="path"/> as one stacked ONNX file, atomically: input <c>[K, N, in]</c>, output
    /// <c>[K, N, out]</c>, model k (entity k) applied to <c>input[k]</c>. One launch serves the whole group in a runtime.
    /// </summary>
    /// <exception cref="ArgumentException">No entities, or their layouts differ (the message names the first that differs).</exception>
    /// <exception cref="InvalidOperationException">An entity is not alive or holds no model.</exception>
    /// <exception cref="OnnxException">Writing failed; the previous file is unchanged.</exception>
    public static void ExportStacked(World world, IReadOnlyList<Entity> entities, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        (ModelLayout layout, float[][] models) = ReadAll(world, entities);
        WriteFile(path, OnnxModelWriter.Stacked(layout, models));
    }

    /// <summary>Writes the models of <paramref name="entities"/> as one stacked ONNX file to <paramref name="stream"/>
    /// (see <see cref="ExportStacked(World, IReadOnlyList{Entity}, string)"/>).</summary>
    /// <exception cref="ArgumentException">No entities, or their layouts differ.</exception>
    /// <exception cref="InvalidOperationException">An entity is not alive or holds no model.</exception>
    public static void ExportStacked(World world, IReadOnlyList<Entity> entities, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (ModelLayout layout, float[][] models) = ReadAll(world, entities);
        OnnxModelWriter.Stacked(layout, models).WriteTo(stream);
    }

    /// <summary>Writes a model given by its <paramref name="layout"/> and <paramref name="torchParameters"/> (P floats in
    /// PyTorch order: per layer weight <c>[out, in]</c> row-major, then bias <c>[out]</c>) as an ONNX file to
    /// <paramref name="stream"/>, without a world.</summary>
    /// <exception cref="ArgumentException"><paramref name="torchParameters"/> does not hold P floats.</exception>
    public static void Write(ModelLayout layout, ReadOnlySpan<float> torchParameters, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(stream);
        if (torchParameters.Length != layout.ParameterCount)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Layout {0} has {1} parameters; {2} were given.", layout, layout.ParameterCount, torchParameters.Length), nameof(torchParameters));
        }

        OnnxModelWriter.Single(layout, torchParameters).WriteTo(stream);
    }

    /// <summary>Reads the ONNX file at <paramref name="path"/>: its layout and parameters (one model, or K for a stacked
    /// file). The whole file is read and checked before anything is returned.</summary>
    /// <exception cref="OnnxException">The file cannot be read, is truncated or not ONNX, or is not of the supported
    /// form; the message names the file and, for a graph problem, the node (position and operator) and what is wrong,
    /// for example <c>node 3 (Softmax): operator Softmax is not supported; supported: Gemm, MatMul, Add, Tanh, Relu,
    /// LeakyRelu, Sigmoid, Identity</c>.</exception>
    public static OnnxNetwork Import(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OnnxException(path, "the file cannot be read (" + ex.Message.TrimEnd('.') + ")", ex);
        }

        return OnnxChainReader.Read(bytes, path);
    }

    /// <summary>Reads an ONNX model from <paramref name="stream"/> (to its end); <paramref name="name"/> names it in errors.
    /// See <see cref="Import(string)"/>.</summary>
    /// <exception cref="OnnxException">The data is not of the supported form.</exception>
    public static OnnxNetwork Import(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return OnnxChainReader.Read(copy.ToArray(), name);
    }

    /// <summary>
    /// Reads the ONNX file at <paramref name="path"/> and writes its parameters into <paramref name="entity"/>, whose model
    /// must have the file's layout (<see cref="ModelSpec.ImportParameters"/>: gradients and optimizer state are left as
    /// they are). Returns what was read. The file is read and checked completely first: on any error the world is
    /// unchanged.
    /// </summary>
    /// <exception cref="OnnxException">The file is not of the supported form, holds a stack of models, or its layout
    /// differs from the entity's (the message names both).</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no model, or a tick runs on another thread.</exception>
    public static OnnxNetwork Import(string path, World world, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(world);
        OnnxNetwork network = Import(path);
        if (network.ModelCount != 1)
        {
            throw new OnnxException(path, string.Format(CultureInfo.InvariantCulture,
                "the file holds a stack of {0} models; read it with OnnxModel.Import(path) and import each with ModelSpec.ImportParameters. Nothing was imported.",
                network.ModelCount));
        }

        using WorldLock change = world.BeginChange("OnnxModel.Import");
        ModelSpec spec = SpecOf(world, entity);
        if (!spec.Layout.Equals(network.Layout))
        {
            throw new OnnxException(path, string.Format(CultureInfo.InvariantCulture,
                "the file's model is {0} but {1} holds a model {2}. Nothing was imported.", network.Layout, entity, spec.Layout));
        }

        spec.ImportParameters(world, entity, network.GetParameters(0));
        return network;
    }

    private static (ModelLayout Layout, float[] Parameters) Read(World world, Entity entity, string operation)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock between = world.EnterBetweenTicks(operation, World.TickWaitLimit);
        ModelSpec spec = SpecOf(world, entity);
        float[] parameters = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, parameters);
        return (spec.Layout, parameters);
    }

    private static (ModelLayout Layout, float[][] Models) ReadAll(World world, IReadOnlyList<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(entities);
        if (entities.Count == 0)
        {
            throw new ArgumentException("A stacked export needs at least one entity.", nameof(entities));
        }

        using WorldLock between = world.EnterBetweenTicks("OnnxModel.ExportStacked", World.TickWaitLimit);
        ModelLayout layout = SpecOf(world, entities[0]).Layout;
        float[][] models = new float[entities.Count][];
        for (int k = 0; k < entities.Count; k++)
        {
            ModelSpec spec = SpecOf(world, entities[k]);
            if (!spec.Layout.Equals(layout))
            {
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                    "Entity {0} ({1}, position {2}) has layout {3}, but the first entity's is {4}; a stack holds models of one layout.",
                    k, entities[k], k, spec.Layout, layout), nameof(entities));
            }

            models[k] = new float[layout.ParameterCount];
            spec.ExportParameters(world, entities[k], models[k]);
        }

        return (layout, models);
    }

    private static ModelSpec SpecOf(World world, Entity entity)
    {
        if (!world.IsAlive(entity))
        {
            throw new InvalidOperationException(entity + " is not alive.");
        }

        return ModelSpec.Find(world.GetArchetype(entity))
            ?? throw new InvalidOperationException(entity + " holds no model (no ModelSpec's parameters, inputs, outputs and activations).");
    }

    private static void WriteFile(string path, ProtoMessage model)
    {
        try
        {
            AtomicFile.Write(path, stream =>
            {
                model.WriteTo(stream);
                return (0, []);
            }, wrap: null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OnnxException(path, "writing failed (" + ex.Message.TrimEnd('.') + "); the previous file is unchanged", ex);
        }
    }
}
