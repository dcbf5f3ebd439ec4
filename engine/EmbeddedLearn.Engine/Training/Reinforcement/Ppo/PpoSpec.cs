using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// A PPO brain: one model entity whose parameters any number of member entities (up to <see cref="Capacity"/>) share,
/// plus the components PPO needs. The network is one trunk with two heads as output columns: observations <c>[B, n]</c>
/// in, <c>[B, A + 1]</c> out, columns <c>0..A-1</c> the action means (<see cref="PpoActionKind.Continuous"/>) or logits
/// (<see cref="PpoActionKind.Discrete"/>), column A the state value <c>V(s)</c>; its layout's last width must be
/// <c>A + 1</c> and its output layer is linear. The model's batch B is the PPO minibatch size M. A per-entity brain is
/// a brain of capacity 1. Obtain one with <see cref="Get"/>; specs are process-wide and compare by reference.
/// </summary>
/// <remarks>
/// Per brain (n = <see cref="ObservationWidth"/>, a = <see cref="ActionWidth"/> (A continuous, 1 discrete), C =
/// <see cref="Capacity"/>, T = <see cref="Horizon"/>, M = the model's batch), besides the model's components:
/// <see cref="SlotMembers"/> C entity handles; <see cref="Slots"/> C rows of <c>n + a + 4</c> floats <c>[observation (n), action (a), log-prob, value, occupied,
/// acted]</c>; <see cref="Rollouts"/> two buffers of C x T rows of <c>n + a + 5</c> floats
/// <c>[observation (n), action (a), log-prob, value, reward, done, valid]</c>, row <c>slot T + t</c>;
/// <see cref="Targets"/> C x T pairs <c>[advantage, return]</c> of the rollout being trained on;
/// <see cref="Order"/> C x T ints, the trainable rows in minibatch order; <see cref="Batch"/> M rows of
/// <c>a + 4</c> floats <c>[action (a), old log-prob, old value, advantage, return]</c> of the minibatch in the inputs;
/// for continuous actions <see cref="LogStd"/> A floats, <see cref="LogStdGradient"/> A floats and
/// <see cref="LogStdState"/> 2A floats (the optimizer's state for the log standard deviation: momentum in the first A,
/// or Adam's first then second moments); and the struct components <see cref="PpoSettings"/>, <see cref="PpoState"/>
/// and <see cref="PpoStats"/>. All of a brain's data lives on the brain entity, so every stage computes a brain from its
/// own data alone (identical results for any thread count).
/// </remarks>
public sealed partial class PpoSpec
{
    private static readonly SpecRegistry<(ModelSpec Model, PpoActionKind Kind, int Capacity, int Horizon), PpoSpec> Registry = new();

    /// <summary>Declares the log standard deviation as extra parameters the guard clips with the network's.</summary>
    static PpoSpec() => ExtraParameters.Declare(archetype => Find(archetype)?.LogStdGradient);

    private PpoSpec(ModelSpec model, PpoActionKind kind, int capacity, int horizon)
    {
        Model = model;
        Kind = kind;
        Capacity = capacity;
        Horizon = horizon;
        ObservationWidth = model.Layout.InputWidth;
        ActionCount = model.Layout.OutputWidth - 1;
        ActionWidth = kind == PpoActionKind.Continuous ? ActionCount : 1;
        string key = string.Format(CultureInfo.InvariantCulture, "{0}/b{1}/{2}/c{3}/t{4}", model.Layout.Key, model.Batch,
            kind == PpoActionKind.Continuous ? "gauss" : "cat", capacity, horizon);
        Slots = ComponentType.Array<float>("PpoSlots[" + key + "]", capacity * SlotWidth);
        SlotMembers = ComponentType.Array<Entity>("PpoSlotMembers[" + key + "]", capacity);
        Rollouts = ComponentType.Array<float>("PpoRollouts[" + key + "]", 2 * capacity * horizon * RowWidth);
        Targets = ComponentType.Array<float>("PpoTargets[" + key + "]", 2 * capacity * horizon);
        Order = ComponentType.Array<int>("PpoOrder[" + key + "]", capacity * horizon);
        Batch = ComponentType.Array<float>("PpoBatch[" + key + "]", model.Batch * BatchWidth);
        List<ComponentType> components =
        [
            Slots, SlotMembers, Rollouts, Targets, Order, Batch,
            ComponentType.Of<PpoSettings>(), ComponentType.Of<PpoState>(), ComponentType.Of<PpoStats>(),
        ];
        if (kind == PpoActionKind.Continuous)
        {
            LogStd = ComponentType.Array<float>("PpoLogStd[" + key + "]", ActionCount);
            LogStdGradient = ComponentType.Array<float>("PpoLogStdGradient[" + key + "]", ActionCount);
            LogStdState = ComponentType.Array<float>("PpoLogStdState[" + key + "]", 2 * ActionCount);
            components.AddRange([LogStd, LogStdGradient, LogStdState]);
        }

        Components = components;
    }

    /// <summary>The shared model: observations <c>[M, n]</c> in, <c>[M, A + 1]</c> out (A means or logits, then the value).</summary>
    public ModelSpec Model { get; }

    /// <summary>Continuous (Gaussian) or discrete (categorical) actions.</summary>
    public PpoActionKind Kind { get; }

    /// <summary>Members the brain can hold at once, C (member slots).</summary>
    public int Capacity { get; }

    /// <summary>Decisions per rollout, T (ML-Agents' time_horizon with buffer_size = C T; SB3's n_steps).</summary>
    public int Horizon { get; }

    /// <summary>Observation width n (the model's input width).</summary>
    public int ObservationWidth { get; }

    /// <summary>Actions A: the Gaussian's dimensions, or the categorical's choices (the model's output width minus 1).</summary>
    public int ActionCount { get; }

    /// <summary>Floats an action takes: A for continuous actions, 1 (the index) for discrete ones.</summary>
    public int ActionWidth { get; }

    /// <summary>Floats per member slot: <c>[observation (n), action (a), log-prob, value, occupied, acted]</c>.</summary>
    public int SlotWidth => ObservationWidth + ActionWidth + 4;

    /// <summary>Floats per recorded transition: <c>[observation (n), action (a), log-prob, value, reward, done, valid]</c>.</summary>
    public int RowWidth => ObservationWidth + ActionWidth + 5;

    /// <summary>Floats per minibatch row besides its observation: <c>[action (a), old log-prob, old value, advantage, return]</c>.</summary>
    public int BatchWidth => ActionWidth + 4;

    /// <summary>C x (n + a + 4) floats: each member slot's current observation, last action, its log-prob and value, and flags.</summary>
    public ComponentType Slots { get; }

    /// <summary>2 x C x T x (n + a + 5) floats: the collecting rollout and the one being trained on.</summary>
    public ComponentType Rollouts { get; }

    /// <summary>C x T x 2 floats: GAE advantages and returns of the rollout being trained on, row <c>slot T + t</c>.</summary>
    public ComponentType Targets { get; }

    /// <summary>C x T ints: the trainable rows of the rollout being trained on, in this epoch's shuffled order.</summary>
    public ComponentType Order { get; }

    /// <summary>M x (a + 4) floats: the minibatch in the model's inputs, besides its observations.</summary>
    public ComponentType Batch { get; }

    /// <summary>C entities: the member holding each slot (<see cref="Entity.Null"/> for a free slot).</summary>
    public ComponentType SlotMembers { get; }

    /// <summary>A floats: the state-independent log standard deviation of a continuous policy (null for discrete).</summary>
    public ComponentType? LogStd { get; }

    /// <summary>A floats: the loss's gradient with respect to <see cref="LogStd"/> (null for discrete).</summary>
    public ComponentType? LogStdGradient { get; }

    /// <summary>2A floats: the optimizer's state for <see cref="LogStd"/> (null for discrete).</summary>
    public ComponentType? LogStdState { get; }

    /// <summary>The components a brain carries besides its model's.</summary>
    public IReadOnlyList<ComponentType> Components { get; }

    /// <summary>
    /// The spec of brains with <paramref name="model"/> (output width A + 1), <paramref name="kind"/> of actions, up to
    /// <paramref name="capacity"/> members and rollouts of <paramref name="horizon"/> decisions.
    /// </summary>
    /// <exception cref="ArgumentException">The model's output width is below 2 (no room for an action and the value),
    /// or its output layer is not linear.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Capacity or horizon below 1, or the brain's buffers would exceed
    /// <see cref="ModelSpec.MaxEntityBytes"/> (the message gives the sizes).</exception>
    public static PpoSpec Get(ModelSpec model, PpoActionKind kind, int capacity, int horizon)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Layout.OutputWidth < 2)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "A PPO model's output is A action columns then 1 value column; layout {0} has output width {1} (at least 2 needed).",
                model.Layout, model.Layout.OutputWidth), nameof(model));
        }

        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A brain holds at least 1 member.");
        }

        if (horizon < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "A rollout holds at least 1 decision.");
        }

        long width = model.Layout.InputWidth + model.Layout.OutputWidth + 4L;
        long bytes = sizeof(float) * ((long)capacity * horizon * ((2 * width) + 3) + ((long)capacity * width));
        if (bytes > ModelSpec.MaxEntityBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, string.Format(CultureInfo.InvariantCulture,
                "A brain of {0} members and a horizon of {1} decisions needs {2} bytes of rollouts; the limit is {3} bytes.",
                capacity, horizon, bytes, ModelSpec.MaxEntityBytes));
        }

        return Registry.Get((model, kind, capacity, horizon), static k => new PpoSpec(k.Model, k.Kind, k.Capacity, k.Horizon));
    }

    /// <summary>The brain spec whose entities live in <paramref name="archetype"/>, or null if it holds none.
    /// Allocates nothing.</summary>
    public static PpoSpec? Find(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        foreach (PpoSpec spec in Registry.All)
        {
            if (archetype.Has(spec.Rollouts) && archetype.Has(spec.Model.Parameters))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>
    /// The stages of a PPO tick (one decision for every member): <see cref="PpoActStage"/>, then
    /// <paramref name="minibatchesPerTick"/> times the minibatch group <see cref="PpoMinibatchStage"/>, ZeroGrad,
    /// Forward, <see cref="PpoLossStage"/>, Backward, Guard, <see cref="PpoLogStdStepStage"/> and one optimizer step stage
    /// per optimizer unit. A brain with no update in progress sits the group out (<see cref="TickOutcome.Waiting"/>).
    /// One update takes <c>Epochs ceil(rows / M) / minibatchesPerTick</c> ticks; keep it at most the horizon T, or an
    /// update is cut short when the next rollout is full (<see cref="PpoState.UpdatesCut"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minibatchesPerTick"/> is below 1.</exception>
    public static List<IPipelineStage> Stages(int minibatchesPerTick = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minibatchesPerTick, 1);
        List<IPipelineStage> stages = [new PpoActStage()];
        for (int k = 0; k < minibatchesPerTick; k++)
        {
            stages.AddRange([new PpoMinibatchStage(), new ZeroGradStage(), new ForwardStage(), new PpoLossStage(),
                new BackwardStage(), new GuardStage(), new PpoLogStdStepStage()]);
            foreach (OptimizerUnit optimizer in OptimizerUnits.All)
            {
                stages.Add(new OptimizerStepStage(optimizer));
            }
        }

        return stages;
    }

    /// <summary>Ticks one update takes with <paramref name="minibatchesPerTick"/> minibatches per tick when every slot
    /// records every decision: <c>ceil(Epochs ceil(C T / M) / minibatchesPerTick)</c>.</summary>
    public int TicksPerUpdate(in PpoSettings settings, int minibatchesPerTick)
    {
        long minibatches = settings.Epochs * ((((long)Capacity * Horizon) + Model.Batch - 1) / Model.Batch);
        return (int)((minibatches + minibatchesPerTick - 1) / minibatchesPerTick);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "PPO {0} {1}, minibatch {2}, capacity {3}, horizon {4}",
        Kind, Model.Layout, Model.Batch, Capacity, Horizon);
}
