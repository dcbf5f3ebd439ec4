using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.Training;

/// <summary>
/// A model layout with a batch size, and the run-time sized component types its entities carry. All entities of
/// one spec (and one optimizer) share an archetype, so a stage sees their parameters as one contiguous block.
/// Obtain one with <see cref="Get(ModelLayout, int)"/>; specs are process-wide and compare by reference.
/// </summary>
/// <remarks>
/// Per entity (P = <c>Layout.ParameterCount</c>, B = <see cref="Batch"/>, in/out = input/output width):
/// <see cref="Parameters"/> P floats (engine order: per layer <c>W^T [in, out]</c> then <c>b [out]</c>);
/// <see cref="Gradients"/> P floats, same order; <see cref="Momentum"/> P floats (SGD with momentum only);
/// <see cref="AdamMoments"/> 2P floats, first moments then second (Adam and AdamW);
/// <see cref="Inputs"/> <c>[B, in]</c>; <see cref="Targets"/>, <see cref="Outputs"/>, <see cref="OutputGradient"/>
/// (<c>dL/do</c>) and <see cref="LossElements"/> <c>[B, out]</c>; <see cref="Activations"/> the post-activation values
/// of every hidden layer, <c>[B, h]</c> blocks one after the other; plus the struct components
/// <see cref="TrainingSettings"/>, <see cref="TrainingState"/> and <see cref="Loss"/>.
/// </remarks>
public sealed partial class ModelSpec
{
    /// <summary>Every spec made so far (an array replaced on each addition, so <see cref="Find"/> allocates nothing).</summary>
    private static readonly SpecRegistry<(ModelLayout Layout, int Batch), ModelSpec> Registry = new();

    private ModelSpec(ModelLayout layout, int batch)
    {
        Layout = layout;
        Batch = batch;
        string key = layout.Key;
        string batchKey = string.Format(CultureInfo.InvariantCulture, "{0}/b{1}", key, batch);
        int p = layout.ParameterCount;
        Parameters = ComponentType.Array<float>("Parameters[" + key + "]", p);
        Gradients = ComponentType.Array<float>("Gradients[" + key + "]", p);
        Momentum = ComponentType.Array<float>("Momentum[" + key + "]", p);
        AdamMoments = ComponentType.Array<float>("AdamMoments[" + key + "]", 2 * p);
        Inputs = ComponentType.Array<float>("Inputs[" + batchKey + "]", batch * layout.InputWidth);
        Targets = ComponentType.Array<float>("Targets[" + batchKey + "]", batch * layout.OutputWidth);
        Outputs = ComponentType.Array<float>("Outputs[" + batchKey + "]", batch * layout.OutputWidth);
        OutputGradient = ComponentType.Array<float>("OutputGradient[" + batchKey + "]", batch * layout.OutputWidth);
        LossElements = ComponentType.Array<float>("LossElements[" + batchKey + "]", batch * layout.OutputWidth);
        Activations = ComponentType.Array<float>("Activations[" + batchKey + "]", Math.Max(1, batch * layout.HiddenUnitCount));
        ReadOnlySpan<ComponentType> common =
        [
            Parameters, Gradients, Inputs, Targets, Outputs, OutputGradient, LossElements, Activations,
            ComponentType.Of<TrainingSettings>(), ComponentType.Of<TrainingState>(), ComponentType.Of<Loss>(),
        ];
        PlainSignature = new Signature(common);
        MomentumSignature = PlainSignature.With(Momentum);
        AdamSignature = PlainSignature.With(AdamMoments);
        InferenceSignature = new Signature(Parameters, Inputs, Outputs, Activations);
        Query = new QueryDescription().WithAll(Parameters, Inputs, Outputs, Activations);
    }

    /// <summary>The model layout.</summary>
    public ModelLayout Layout { get; }

    /// <summary>Samples per tick, B.</summary>
    public int Batch { get; }

    /// <summary>P floats of parameters.</summary>
    public ComponentType Parameters { get; }

    /// <summary>P floats of accumulated gradients.</summary>
    public ComponentType Gradients { get; }

    /// <summary>P floats: SGD momentum buffer.</summary>
    public ComponentType Momentum { get; }

    /// <summary>2P floats: Adam first moments, then second moments.</summary>
    public ComponentType AdamMoments { get; }

    /// <summary><c>[B, in]</c> inputs the game writes each tick.</summary>
    public ComponentType Inputs { get; }

    /// <summary><c>[B, out]</c> targets the game writes each tick.</summary>
    public ComponentType Targets { get; }

    /// <summary><c>[B, out]</c> outputs forward writes for the game to read.</summary>
    public ComponentType Outputs { get; }

    /// <summary><c>[B, out]</c> gradient of the loss with respect to the outputs, written by the loss stage.</summary>
    public ComponentType OutputGradient { get; }

    /// <summary><c>[B, out]</c> per-element squared errors, written by the loss stage for reduction None.</summary>
    public ComponentType LossElements { get; }

    /// <summary>Post-activation hidden values forward keeps for backward (at least one float).</summary>
    public ComponentType Activations { get; }

    /// <summary>Components of a trainable entity whose optimizer keeps no state (SGD without momentum).</summary>
    public Signature PlainSignature { get; }

    /// <summary>Components of a trainable entity using SGD with momentum.</summary>
    public Signature MomentumSignature { get; }

    /// <summary>Components of a trainable entity using Adam or AdamW.</summary>
    public Signature AdamSignature { get; }

    /// <summary>Components of an inference-only entity (forward only).</summary>
    public Signature InferenceSignature { get; }

    /// <summary>Matches every archetype holding models of this spec (trainable or inference-only).</summary>
    public QueryDescription Query { get; }

    /// <summary>The most bytes one model entity may need: 1 GiB. See <see cref="EntityBytes"/>.</summary>
    public const long MaxEntityBytes = 1L << 30;

    /// <summary>The spec of <paramref name="layout"/> trained on batches of <paramref name="batch"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is below 1.</exception>
    /// <exception cref="ArgumentException">One entity of this spec would need more than <see cref="MaxEntityBytes"/>
    /// (the message names the layout, the batch, the size and the limit); nothing is registered or allocated.</exception>
    public static ModelSpec Get(ModelLayout layout, int batch)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least 1 sample.");
        }

        long bytes = EntityBytes(layout, batch);
        if (bytes > MaxEntityBytes)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Model layout {0} with batch {1}: one entity needs {2} bytes (P = {3} parameters, gradients, SGD momentum and "
                + "Adam moments 2P, samples, outputs and activations of B x width floats, backward scratch); the limit is {4} bytes.",
                layout, batch, bytes, layout.ParameterCount, MaxEntityBytes), nameof(batch));
        }

        return Registry.Get((layout, batch), static key => new ModelSpec(key.Layout, key.Batch));
    }

    /// <summary>
    /// Bytes the largest entity of <paramref name="layout"/> with batch <paramref name="batch"/> can hold, computed
    /// without overflow: <c>4 (5P + B in + 4 B out + max(1, B h))</c> (parameters, gradients, momentum, Adam moments
    /// 2P, inputs, targets, outputs, output gradient, loss elements, activations), or the per-thread backward scratch
    /// <c>4 (2 B maxWidth)</c> when that is larger; <see cref="long.MaxValue"/> when even that overflows. Any result up
    /// to <see cref="MaxEntityBytes"/> fits every <see cref="int"/> size the ECS and kernels use.
    /// </summary>
    public static long EntityBytes(ModelLayout layout, int batch)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Int128 p = layout.ParameterCount, b = batch;
        Int128 floats = (5 * p) + (b * layout.InputWidth) + (4 * b * layout.OutputWidth)
            + Int128.Max(1, b * layout.HiddenUnitCount);
        Int128 scratch = 2 * b * layout.MaxWidth;
        return (long)Int128.Min(sizeof(float) * Int128.Max(floats, scratch), long.MaxValue);
    }

    /// <summary>The spec whose models live in <paramref name="archetype"/> (it has at least the components of
    /// <see cref="InferenceSignature"/>), or null if it holds none.</summary>
    public static ModelSpec? Find(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        foreach (ModelSpec spec in Registry.All)
        {
            if (archetype.Signature.ContainsAll(spec.InferenceSignature))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>Whether the entities of <paramref name="archetype"/> (models of this spec) train: they carry every
    /// component of <see cref="PlainSignature"/> and are not <see cref="Quarantined"/>.</summary>
    public bool Trains(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        return archetype.Signature.ContainsAll(PlainSignature) && !archetype.Has(ComponentType.Of<Quarantined>());
    }

    /// <summary>The signature a trainable entity with <paramref name="settings"/> needs.</summary>
    public Signature SignatureFor(in TrainingSettings settings)
    {
        ComponentType? state = OptimizerUnits.For(settings.Optimizer).StateComponent(this, settings);
        return state is null ? PlainSignature : state == Momentum ? MomentumSignature : state == AdamMoments ? AdamSignature : PlainSignature.With(state);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0}, batch {1}", Layout, Batch);
}
