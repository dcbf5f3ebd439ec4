using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training.SharedModels;

/// <summary>
/// A shared model: one brain entity whose parameters, gradients and optimizer state any number of member entities (up
/// to <see cref="Capacity"/>, joining and leaving as they spawn and die) share, stored once. Each member writes
/// <see cref="MemberBatch"/> samples a tick; the tick computes the loss and gradient over the samples of every member
/// with good data at once and takes one optimizer step, exactly as one PyTorch module trained on the members'
/// concatenated batch (in slot order), with <c>mean</c> dividing by the rows in use; every member then reads its
/// outputs from the shared parameters. A member whose inputs or targets hold NaN or infinity is left out of that tick
/// alone (<see cref="SharedModelState.MembersLeftOut"/>); the others train. Obtain one with <see cref="Get"/>; specs
/// are process-wide and compare by reference.
/// </summary>
/// <remarks>
/// The brain is an ordinary model entity of <see cref="Model"/> (batch <c>B = Capacity * MemberBatch</c>), so the
/// guard, clipping, quarantine, every optimizer, the training budget and checkpoints work on it as on any model; the
/// members' rows are packed in slot order at the front of its batch each tick and the rest are zero, with zero output
/// gradient. Besides the model's components the brain carries (b = <see cref="MemberBatch"/>, in/out = the layout's
/// widths, C = <see cref="Capacity"/>): <see cref="MemberSamples"/> C blocks of <c>[b, in]</c> inputs then
/// <c>[b, out]</c> targets, written by the members; <see cref="MemberOutputs"/> C blocks of <c>[b, out]</c> outputs;
/// <see cref="Slots"/> C triples <c>[member id + 1 (0 when free), member version, first batch row this tick (-1 when
/// not in the batch)]</c>; and <see cref="SharedModelState"/>. Pipeline: <see cref="Stages"/>.
/// </remarks>
public sealed partial class SharedModelSpec
{
    private static readonly SpecRegistry<(ModelLayout Layout, int MemberBatch, int Capacity), SharedModelSpec> Registry = new();

    private SharedModelSpec(ModelSpec model, int memberBatch, int capacity)
    {
        Model = model;
        MemberBatch = memberBatch;
        Capacity = capacity;
        string key = string.Format(CultureInfo.InvariantCulture, "{0}/m{1}/c{2}", model.Layout.Key, memberBatch, capacity);
        MemberSamples = ComponentType.Array<float>("SharedSamples[" + key + "]", capacity * SlotSampleWidth);
        MemberOutputs = ComponentType.Array<float>("SharedOutputs[" + key + "]", capacity * memberBatch * model.Layout.OutputWidth);
        Slots = ComponentType.Array<int>("SharedSlots[" + key + "]", capacity * SlotFields);
    }

    /// <summary>Ints per slot in <see cref="Slots"/>.</summary>
    internal const int SlotFields = 3;

    /// <summary>The brain's model: <c>[Capacity * MemberBatch, in]</c> inputs in, <c>[Capacity * MemberBatch, out]</c> out.</summary>
    public ModelSpec Model { get; }

    /// <summary>Samples each member contributes per tick, b.</summary>
    public int MemberBatch { get; }

    /// <summary>Members the brain can hold at once, C.</summary>
    public int Capacity { get; }

    /// <summary>C blocks of <c>[b, in]</c> inputs then <c>[b, out]</c> targets: what each member wrote for the next tick.</summary>
    public ComponentType MemberSamples { get; }

    /// <summary>C blocks of <c>[b, out]</c>: each member's outputs of its last tick in the batch.</summary>
    public ComponentType MemberOutputs { get; }

    /// <summary>C triples <c>[member id + 1 (0 when free), member version, first batch row this tick (-1 when not in
    /// the batch)]</c>.</summary>
    public ComponentType Slots { get; }

    /// <summary>Floats of one slot in <see cref="MemberSamples"/>: <c>b (in + out)</c>.</summary>
    internal int SlotSampleWidth => MemberBatch * (Model.Layout.InputWidth + Model.Layout.OutputWidth);

    /// <summary>The shared model of <paramref name="layout"/> for up to <paramref name="capacity"/> members of
    /// <paramref name="memberBatch"/> samples each.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="memberBatch"/> or <paramref name="capacity"/> is
    /// below 1.</exception>
    /// <exception cref="ArgumentException">The brain would need more than <see cref="ModelSpec.MaxEntityBytes"/> (see
    /// <see cref="ModelSpec.Get"/>).</exception>
    public static SharedModelSpec Get(ModelLayout layout, int memberBatch, int capacity)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(memberBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if ((long)memberBatch * capacity > int.MaxValue)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "A shared model of {0} members of {1} samples needs a batch of {2} rows; at most {3} fit.",
                capacity, memberBatch, (long)memberBatch * capacity, int.MaxValue), nameof(capacity));
        }

        ModelSpec model = ModelSpec.Get(layout, memberBatch * capacity);
        return Registry.Get((layout, memberBatch, capacity), key => new SharedModelSpec(model, key.MemberBatch, key.Capacity));
    }

    /// <summary>The shared-model spec whose brains live in <paramref name="archetype"/>, or null.</summary>
    public static SharedModelSpec? Find(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        foreach (SharedModelSpec spec in Registry.All)
        {
            if (archetype.Has(spec.Slots) && archetype.Has(spec.Model.Parameters))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>
    /// The pipeline of shared models: ZeroGrad (unless <paramref name="zeroGrad"/> is false, to accumulate), the
    /// members' batch (<see cref="SharedBatchStage"/>), Forward, the members' outputs (<see cref="SharedOutputsStage"/>),
    /// the MSE loss over the rows in use (<see cref="SharedMseLossStage"/>), Backward, Guard and the optimizer steps.
    /// Ordinary models in the same world train in it as with the default stages. It runs on both backends: on the OpenCL
    /// backend the three shared stages run as their device bodies between the built-in launches.
    /// </summary>
    public static List<IPipelineStage> Stages(bool zeroGrad = true)
    {
        List<IPipelineStage> stages = TrainingPipeline.DefaultStages(zeroGrad);
        int forward = stages.FindIndex(s => s is ForwardStage);
        stages[forward + 1] = new SharedMseLossStage(); // in place of MseLoss
        stages.Insert(forward + 1, new SharedOutputsStage());
        stages.Insert(forward, new SharedBatchStage());
        return stages;
    }

    /// <summary>Creates a brain with <paramref name="settings"/> and parameters drawn as PyTorch's <c>nn.Linear</c>
    /// draws them from <paramref name="seed"/>, and no members.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (nothing is created).</exception>
    public Entity Spawn(World world, in TrainingSettings settings, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("SharedModelSpec.Spawn");
        settings.ThrowIfInvalid();
        Entity brain = CreateBrain(world, settings);
        ParameterInit.Default(Model.Layout, seed, world.GetSpan<float>(brain, Model.Parameters));
        return brain;
    }

    /// <summary>Creates a brain with <paramref name="settings"/> and PyTorch-ordered <paramref name="torchParameters"/>
    /// (each layer's <c>weight [out, in]</c> then <c>bias [out]</c>), and no members.</summary>
    /// <exception cref="ArgumentException">The settings are invalid, or the parameters are not P finite floats
    /// (nothing is created).</exception>
    public Entity Spawn(World world, in TrainingSettings settings, ReadOnlySpan<float> torchParameters)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("SharedModelSpec.Spawn");
        settings.ThrowIfInvalid();
        ModelSpec.CheckFiniteValues(Entity.Null, Model.Parameters, torchParameters);
        Entity brain = CreateBrain(world, settings);
        ParameterOrder.ImportTorch(Model.Layout, torchParameters, world.GetSpan<float>(brain, Model.Parameters));
        return brain;
    }

    /// <summary>
    /// Makes an existing model entity of <see cref="Model"/> a brain with no members: what a game does after
    /// <see cref="Checkpoints.Checkpoint.Load"/>, which restores the brain's parameters, optimizer state, counters and
    /// settings as an ordinary model (a checkpoint holds the shared parameters once and no members); the members then
    /// join again. A structural change: not while a query runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, holds no trainable model of
    /// <see cref="Model"/>, or is a brain already; nothing changes.</exception>
    public void Attach(World world, Entity model)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("SharedModelSpec.Attach");
        if (!world.IsAlive(model))
        {
            throw new InvalidOperationException(model + " is not alive (destroyed, or a stale handle).");
        }

        if (!world.Has(model, Model.Parameters) || !world.Has(model, Model.Gradients))
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} holds no trainable model of {1} (layout and batch {2}); it cannot become a brain of {3}.", model,
                Model.Layout, Model.Batch, this));
        }

        if (world.Has(model, Slots))
        {
            throw new InvalidOperationException(model + " is a brain of " + this + " already.");
        }

        world.Add(model, MemberSamples);
        world.Add(model, MemberOutputs);
        world.Add(model, Slots);
        world.Add(model, default(SharedModelState));
        NoneInBatch(world.GetSpan<int>(model, Slots));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "shared {0} ({1} members of {2} samples)", Model.Layout, Capacity, MemberBatch);

    private Entity CreateBrain(World world, in TrainingSettings settings)
    {
        Entity brain = world.Create(Model.SignatureFor(settings).With(MemberSamples).With(MemberOutputs).With(Slots)
            .With(ComponentType.Of<SharedModelState>()));
        world.Set(brain, settings);
        NoneInBatch(world.GetSpan<int>(brain, Slots));

        return brain;
    }

    /// <summary>Marks every slot of a brain's <see cref="Slots"/> table as in no batch row (-1).</summary>
    private void NoneInBatch(Span<int> slots)
    {
        for (int s = 0; s < Capacity; s++)
        {
            slots[(s * SlotFields) + 2] = -1;
        }
    }
}
