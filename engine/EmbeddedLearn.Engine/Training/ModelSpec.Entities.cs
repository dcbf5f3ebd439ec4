using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training;

/// <summary>Spawning learning entities and moving their data in and out.</summary>
public sealed partial class ModelSpec
{
    /// <summary>
    /// Creates a trainable entity with <paramref name="settings"/>, its parameters drawn as PyTorch's default
    /// <c>nn.Linear</c> init does (every weight and bias of layer l uniform in <c>±1/sqrt(in_l)</c>) from
    /// <paramref name="seed"/>, deterministically; gradients, optimizer state, samples and outputs zero.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are invalid (nothing is created).</exception>
    public Entity Spawn(World world, in TrainingSettings settings, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.Spawn");
        settings.ThrowIfInvalid();
        Entity entity = world.Create(SignatureFor(settings));
        world.Set(entity, settings);
        ParameterInit.Default(Layout, seed, world.GetSpan<float>(entity, Parameters));
        return entity;
    }

    /// <summary>Creates a trainable entity with <paramref name="settings"/> and the given parameters in PyTorch
    /// order (per layer: weight <c>[out, in]</c> row-major, then bias <c>[out]</c>).</summary>
    /// <exception cref="ArgumentException">The settings are invalid, or the parameters are not P finite floats
    /// (nothing is created).</exception>
    public Entity Spawn(World world, in TrainingSettings settings, ReadOnlySpan<float> torchParameters)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.Spawn");
        settings.ThrowIfInvalid();
        CheckFiniteValues(Entity.Null, Parameters, torchParameters);
        Entity entity = world.Create(SignatureFor(settings));
        world.Set(entity, settings);
        ParameterOrder.ImportTorch(Layout, torchParameters, world.GetSpan<float>(entity, Parameters));
        return entity;
    }

    /// <summary>
    /// Changes <paramref name="entity"/>'s settings. A learning rate or any other option changes in place; a change of
    /// optimizer (or turning SGD momentum on) adds the state component it needs, and, as creating a new PyTorch
    /// optimizer would, starts its state afresh: zero moments or momentum buffer, step count 0. Gradients and
    /// parameters are kept. A change of <see cref="TrainingSettings.AccumulationSteps"/> keeps the accumulation window
    /// true: after a finished window the next tick starts a fresh one (no gradient is applied twice); an open window
    /// keeps the passes it holds and ends when the new count is reached (at the next pass if it already is);
    /// <see cref="TrainingState.BackwardPasses"/> moves by less than the new count to say so. A structural change when
    /// a component is added: not while a query runs.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are invalid (nothing changes).</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no trainable model of this spec.</exception>
    public void ChangeSettings(World world, Entity entity, in TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.ChangeSettings");
        settings.ThrowIfInvalid();
        TrainingSettings previous = world.Get<TrainingSettings>(entity);
        if (!world.Has(entity, Parameters))
        {
            throw new InvalidOperationException(entity + " holds no model of spec " + this + ".");
        }

        HostResidency.BeforeHostRead(world);
        bool freshState = previous.Optimizer != settings.Optimizer || (previous.Momentum == 0f) != (settings.Momentum == 0f);
        ComponentType? state = OptimizerUnits.For(settings.Optimizer).StateComponent(this, settings);
        if (state is not null && !world.Has(entity, state))
        {
            world.Add(entity, state);
        }

        if (freshState)
        {
            if (state is not null)
            {
                world.GetSpan<float>(entity, state).Clear();
            }

            world.Get<TrainingState>(entity).OptimizerSteps = 0;
        }

        if (previous.AccumulationSteps != settings.AccumulationSteps)
        {
            ref TrainingState counters = ref world.Get<TrainingState>(entity);
            counters.BackwardPasses = RealignWindow(counters.BackwardPasses, previous.AccumulationSteps, settings.AccumulationSteps);
        }

        world.Set(entity, settings);
        HostResidency.AfterHostWrite(world);
    }

    /// <summary>
    /// <see cref="TrainingState.BackwardPasses"/> moved (by less than <paramref name="newSteps"/>) so that the window
    /// position <c>BackwardPasses % K</c> stays true when K changes from <paramref name="oldSteps"/> to
    /// <paramref name="newSteps"/>: a finished window (its gradients applied) starts a fresh one at the next tick, so no
    /// gradient is applied twice; an open window keeps the r passes it holds and ends after <c>newSteps - r</c> more
    /// (at the next pass when r already reaches <paramref name="newSteps"/>).
    /// </summary>
    internal static long RealignWindow(long backwardPasses, int oldSteps, int newSteps)
    {
        long held = backwardPasses % Math.Max(oldSteps, 1);
        long position = held == 0 ? 0 : Math.Min(held, newSteps - 1);
        return backwardPasses - (backwardPasses % newSteps) + position;
    }

    /// <summary>Creates an inference-only entity (parameters, inputs, outputs, activations) from
    /// <paramref name="seed"/>; only a forward stage touches it.</summary>
    public Entity SpawnInference(World world, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.SpawnInference");
        Entity entity = world.Create(InferenceSignature);
        ParameterInit.Default(Layout, seed, world.GetSpan<float>(entity, Parameters));
        return entity;
    }

    /// <summary>Overwrites <paramref name="entity"/>'s parameters with <paramref name="torchParameters"/> in
    /// PyTorch order. Gradients and optimizer state are left as they are.</summary>
    /// <exception cref="ArgumentException">Not P finite floats (nothing changes).</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no model of this spec.</exception>
    public void ImportParameters(World world, Entity entity, ReadOnlySpan<float> torchParameters)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.ImportParameters");
        Span<float> target = world.GetSpan<float>(entity, Parameters);
        CheckFiniteValues(entity, Parameters, torchParameters);
        HostResidency.BeforeHostRead(world);
        ParameterOrder.ImportTorch(Layout, torchParameters, target);
        HostResidency.AfterHostWrite(world);
    }

    /// <summary>Writes <paramref name="entity"/>'s parameters in PyTorch order into <paramref name="torchParameters"/>
    /// (P floats), first synchronising from the backend that holds them (<see cref="HostResidency"/>).</summary>
    public void ExportParameters(World world, Entity entity, Span<float> torchParameters) =>
        Export(world, entity, Parameters, torchParameters, "ModelSpec.ExportParameters");

    /// <summary>Writes <paramref name="entity"/>'s accumulated gradients in PyTorch order (P floats), first
    /// synchronising from the backend that holds them (<see cref="HostResidency"/>).</summary>
    public void ExportGradients(World world, Entity entity, Span<float> torchGradients) =>
        Export(world, entity, Gradients, torchGradients, "ModelSpec.ExportGradients");

    /// <summary>
    /// Copies this tick's samples into <paramref name="entity"/>: <paramref name="inputs"/> <c>[B, in]</c> and
    /// <paramref name="targets"/> <c>[B, out]</c>, row-major.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong or a value is NaN or infinite; the message names the
    /// entity, the component, the index and the value, and nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no trainable model of this spec.</exception>
    public void WriteSamples(World world, Entity entity, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.WriteSamples");
        Span<float> inputSpan = world.GetSpan<float>(entity, Inputs);
        Span<float> targetSpan = world.GetSpan<float>(entity, Targets);
        CheckFiniteValues(entity, Inputs, inputs);
        CheckFiniteValues(entity, Targets, targets);
        inputs.CopyTo(inputSpan);
        targets.CopyTo(targetSpan);
    }

    /// <summary>Copies this tick's inputs <c>[B, in]</c> into <paramref name="entity"/> (for inference).</summary>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite (nothing is written).</exception>
    public void WriteInputs(World world, Entity entity, ReadOnlySpan<float> inputs)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.WriteInputs");
        Span<float> inputSpan = world.GetSpan<float>(entity, Inputs);
        CheckFiniteValues(entity, Inputs, inputs);
        inputs.CopyTo(inputSpan);
    }

    /// <summary>The outputs <c>[B, out]</c> the last forward pass wrote for <paramref name="entity"/>.</summary>
    public ReadOnlySpan<float> ReadOutputs(World world, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.GetSpan<float>(entity, Outputs);
    }

    /// <summary>Throws when <paramref name="values"/> does not fill <paramref name="type"/> with finite floats
    /// (samples, or parameters being imported).</summary>
    internal static void CheckFiniteValues(Entity entity, ComponentType type, ReadOnlySpan<float> values)
    {
        string who = entity == Entity.Null ? "new entity" : entity.ToString();
        if (values.Length != type.ElementCount)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: component {1} needs {2} floats; {3} were given.", who, type.Name, type.ElementCount, values.Length));
        }

        int bad = FiniteCheck.FirstNonFinite(values);
        if (bad >= 0)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: component {1}, element {2} is {3}; values must be finite.", who, type.Name, bad, values[bad]));
        }
    }

    private void Export(World world, Entity entity, ComponentType type, Span<float> torchOrder, string operation)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock between = world.EnterBetweenTicks(operation, World.TickWaitLimit);
        ReadOnlySpan<float> source = world.GetSpan<float>(entity, type);
        if (torchOrder.Length != Layout.ParameterCount)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: exporting {1} needs a span of {2} floats; it has {3}.", entity, type.Name, Layout.ParameterCount, torchOrder.Length),
                nameof(torchOrder));
        }

        HostResidency.BeforeHostRead(world);
        ParameterOrder.ExportTorch(Layout, source, torchOrder);
    }
}
