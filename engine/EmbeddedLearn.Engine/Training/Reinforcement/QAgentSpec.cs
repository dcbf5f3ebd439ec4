using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// A Q-learning agent: a model of <see cref="Model"/> (observations in, one Q value per discrete action out, linear
/// output layer) plus the components deep Q-learning needs, each entity learning from its own experience. Obtain one
/// with <see cref="Get"/>; specs are process-wide and compare by reference.
/// </summary>
/// <remarks>
/// Per entity (n = <see cref="ObservationWidth"/>, A = <see cref="ActionCount"/>, B = the model's batch, C =
/// <see cref="Capacity"/>, P = parameters), besides the model's components: <see cref="Observation"/> n floats, the
/// current observation the game writes before a decision; <see cref="ReplayBuffer"/> C transitions of <c>2n + 3</c>
/// floats each, <c>[s (n), a, r, done, s' (n)]</c>; <see cref="ReplaySample"/> B samples of <c>n + 3</c> floats,
/// <c>[a, r, done, s' (n)]</c> (the sampled <c>s</c> go to the model's inputs <c>[B, n]</c>); <see cref="TargetParameters"/>
/// P floats in engine order; and the struct components <see cref="QLearningSettings"/>, <see cref="QAgentState"/> and
/// <see cref="ReplayState"/>.
/// <para>On an OpenCL device (the stages' device bodies) the target parameters, the replay ring and
/// <see cref="QAgentState"/> are resident: the host uploads what the game writes (observations every tick, transitions
/// <see cref="Record"/> stored since the last tick, settings when they change) and gets <see cref="QAgentState"/> back
/// after every tick; read the rest through the engine (checkpoints, exports) or after
/// <see cref="HostResidency.BeforeHostRead"/>. <see cref="ReplaySample"/>, and the model's inputs and targets, stay on the
/// device.</para>
/// </remarks>
public sealed class QAgentSpec
{
    private static readonly SpecRegistry<(ModelSpec Model, int Capacity), QAgentSpec> Registry = new();

    private QAgentSpec(ModelSpec model, int capacity)
    {
        Model = model;
        Capacity = capacity;
        ObservationWidth = model.Layout.InputWidth;
        ActionCount = model.Layout.OutputWidth;
        string key = model.Layout.Key;
        string batchKey = string.Format(CultureInfo.InvariantCulture, "{0}/b{1}", key, model.Batch);
        Observation = ComponentType.Array<float>("Observation[" + key + "]", ObservationWidth);
        TargetParameters = ComponentType.Array<float>("TargetParameters[" + key + "]", model.Layout.ParameterCount);
        ReplaySample = ComponentType.Array<float>("ReplaySample[" + batchKey + "]", model.Batch * SampleWidth);
        ReplayBuffer = ComponentType.Array<float>(
            string.Format(CultureInfo.InvariantCulture, "ReplayBuffer[{0}/c{1}]", batchKey, capacity), capacity * TransitionWidth);
        Components =
        [
            Observation, TargetParameters, ReplaySample, ReplayBuffer,
            ComponentType.Of<QLearningSettings>(), ComponentType.Of<QAgentState>(), ComponentType.Of<ReplayState>(),
        ];
        AgentSignature = new Signature([.. Components]);
    }

    /// <summary>The model: observations <c>[B, n]</c> in, Q values <c>[B, A]</c> out.</summary>
    public ModelSpec Model { get; }

    /// <summary>Transitions the replay ring holds, C.</summary>
    public int Capacity { get; }

    /// <summary>Observation width n (the model's input width).</summary>
    public int ObservationWidth { get; }

    /// <summary>Discrete actions A (the model's output width).</summary>
    public int ActionCount { get; }

    /// <summary>Floats per stored transition: <c>[s (n), a, r, done, s' (n)]</c>, <c>2n + 3</c>.</summary>
    public int TransitionWidth => (2 * ObservationWidth) + 3;

    /// <summary>Floats per sampled transition besides its observation: <c>[a, r, done, s' (n)]</c>, <c>n + 3</c>.</summary>
    public int SampleWidth => ObservationWidth + 3;

    /// <summary>n floats: the observation the next decision acts on; the game writes it before the tick.</summary>
    public ComponentType Observation { get; }

    /// <summary>P floats: the target network's parameters (engine order, as the model's).</summary>
    public ComponentType TargetParameters { get; }

    /// <summary>B x (n + 3) floats: this tick's sampled <c>[a, r, done, s']</c>, row per sample.</summary>
    public ComponentType ReplaySample { get; }

    /// <summary>C x (2n + 3) floats: the replay ring.</summary>
    public ComponentType ReplayBuffer { get; }

    /// <summary>The components an agent carries besides its model's.</summary>
    public IReadOnlyList<ComponentType> Components { get; }

    /// <summary><see cref="Components"/> as a signature.</summary>
    public Signature AgentSignature { get; }

    /// <summary>The spec of agents with <paramref name="model"/> and a replay ring of <paramref name="capacity"/>
    /// transitions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1, or the ring would exceed
    /// <see cref="ModelSpec.MaxEntityBytes"/>.</exception>
    public static QAgentSpec Get(ModelSpec model, int capacity)
    {
        ArgumentNullException.ThrowIfNull(model);
        long bytes = (long)capacity * ((2L * model.Layout.InputWidth) + 3) * sizeof(float);
        if (capacity < 1 || bytes > ModelSpec.MaxEntityBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, string.Format(CultureInfo.InvariantCulture,
                "The replay capacity must be at least 1 and its ring ({0} bytes for {1} transitions of {2} floats) at most {3} bytes.",
                bytes, capacity, (2L * model.Layout.InputWidth) + 3, ModelSpec.MaxEntityBytes));
        }

        return Registry.Get((model, capacity), static key => new QAgentSpec(key.Model, key.Capacity));
    }

    /// <summary>The agent spec whose entities live in <paramref name="archetype"/>, or null if it holds none.
    /// Allocates nothing.</summary>
    public static QAgentSpec? Find(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        foreach (QAgentSpec spec in Registry.All)
        {
            if (archetype.Has(spec.ReplayBuffer) && archetype.Has(spec.Model.Parameters))
            {
                return spec;
            }
        }

        return null;
    }

    /// <summary>
    /// The stages of a deep Q-learning tick, one decision per run: <see cref="ActStage"/>, ZeroGrad,
    /// <see cref="ReplaySampleStage"/>, Forward, <see cref="TdTargetStage"/>, MseLoss, Backward, Guard, one optimizer step
    /// stage per optimizer unit, then <see cref="TargetSyncStage"/>. Models without agent components in the same world
    /// train on their own targets as in the default pipeline.
    /// </summary>
    public static List<IPipelineStage> Stages()
    {
        List<IPipelineStage> stages =
        [
            new ActStage(), new ZeroGradStage(), new ReplaySampleStage(), new ForwardStage(), new TdTargetStage(),
            new MseLossStage(), new BackwardStage(), new GuardStage(),
        ];
        foreach (OptimizerUnit optimizer in OptimizerUnits.All)
        {
            stages.Add(new OptimizerStepStage(optimizer));
        }

        stages.Add(new TargetSyncStage());
        return stages;
    }

    /// <summary>
    /// Creates an agent: its model as <see cref="ModelSpec.Spawn(World, in TrainingSettings, ulong)"/> does from
    /// <paramref name="seed"/>, the target network a copy of it, an empty replay ring, and random streams for acting
    /// and sampling derived from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid (nothing is created).</exception>
    public Entity Spawn(World world, in TrainingSettings training, in QLearningSettings q, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("QAgentSpec.Spawn");
        training.ThrowIfInvalid();
        q.ThrowIfInvalid();
        if (CheckMinReplay(q) is string error)
        {
            throw new ArgumentException("Invalid QLearningSettings: " + error + ".", nameof(q));
        }

        Entity entity = world.Create(WithAgent(Model.SignatureFor(training)));
        world.Set(entity, training);
        world.Set(entity, q);
        Span<float> parameters = world.GetSpan<float>(entity, Model.Parameters);
        ParameterInit.Default(Model.Layout, seed, parameters);
        parameters.CopyTo(world.GetSpan<float>(entity, TargetParameters));
        var streams = new SplitMix64(seed ^ 0x5DEECE66DUL);
        world.Set(entity, new QAgentState { ActRandom = streams.NextUInt64(), SampleRandom = streams.NextUInt64() });
        return entity;
    }

    /// <summary>
    /// Records one transition <c>(s, a, r, s', done)</c> in <paramref name="entity"/>'s replay ring, overwriting the
    /// oldest when full. Copies; allocates nothing. Bad data never throws: a NaN or infinite value stores nothing, counts
    /// in <see cref="ReplayState.Rejected"/> and returns false.
    /// </summary>
    /// <returns>Whether the transition was stored.</returns>
    /// <exception cref="ArgumentException">An observation is not n floats, or <paramref name="action"/> is outside
    /// <c>[0, A)</c> (nothing changes).</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive or is not an agent of this spec.</exception>
    public bool Record(World world, Entity entity, ReadOnlySpan<float> observation, int action, float reward,
        ReadOnlySpan<float> nextObservation, bool done)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("QAgentSpec.Record");
        RequireAgent(world, entity);
        CheckLength(entity, nameof(observation), observation.Length);
        CheckLength(entity, nameof(nextObservation), nextObservation.Length);
        if ((uint)action >= (uint)ActionCount)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: action {1} is outside [0, {2}).", entity, action, ActionCount), nameof(action));
        }

        ref ReplayState state = ref world.Get<ReplayState>(entity);
        if (!float.IsFinite(reward) || FiniteCheck.FirstNonFinite(observation) >= 0 || FiniteCheck.FirstNonFinite(nextObservation) >= 0)
        {
            state.Rejected++;
            return false;
        }

        int n = ObservationWidth;
        Span<float> slot = world.GetSpan<float>(entity, ReplayBuffer).Slice(state.Next * TransitionWidth, TransitionWidth);
        observation.CopyTo(slot);
        slot[n] = action;
        slot[n + 1] = reward;
        slot[n + 2] = done ? 1f : 0f;
        nextObservation.CopyTo(slot[(n + 3)..]);
        state.Next = (state.Next + 1) % Capacity;
        state.Count = Math.Min(state.Count + 1, Capacity);
        state.Added++;
        return true;
    }

    /// <summary>
    /// Starts <paramref name="entity"/> afresh where it is, for a quarantined agent or a game's reset: new parameters
    /// drawn from <paramref name="seed"/> (<see cref="ModelSpec.Reinitialise"/>: optimizer state, gradients and counters
    /// cleared, released from quarantine), the target network a copy of them, and its decisions counted from 0 again so
    /// epsilon starts from <see cref="QLearningSettings.EpsilonStart"/>. Its replay ring is kept (its experience is still
    /// valid). A structural change when it was quarantined: not while a query runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or is not an agent of this spec.</exception>
    public void Reinitialise(World world, Entity entity, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("QAgentSpec.Reinitialise");
        RequireAgent(world, entity);
        Model.Reinitialise(world, entity, seed);
        world.GetSpan<float>(entity, Model.Parameters).CopyTo(world.GetSpan<float>(entity, TargetParameters));
        ref QAgentState state = ref world.Get<QAgentState>(entity);
        state = state with { Decisions = 0, TargetSyncs = 0, LastSyncStep = 0, Explored = false };
    }

    /// <summary><paramref name="model"/> (a model entity's signature) with the agent's components added.</summary>
    public Signature WithAgent(Signature model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (ComponentType type in Components)
        {
            model = model.Contains(type) ? model : model.With(type);
        }

        return model;
    }

    /// <summary>Null when <paramref name="q"/>'s <see cref="QLearningSettings.MinReplay"/> fits this spec's ring, else
    /// what is wrong (an agent waiting for more transitions than its ring holds would never train).</summary>
    internal string? CheckMinReplay(in QLearningSettings q) => q.MinReplay <= Capacity ? null : string.Format(
        CultureInfo.InvariantCulture, "MinReplay is {0}; the replay ring holds at most {1} transitions", q.MinReplay, Capacity);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} (batch {1}, replay {2})", Model.Layout, Model.Batch, Capacity);

    private void RequireAgent(World world, Entity entity)
    {
        if (!world.IsAlive(entity))
        {
            throw new InvalidOperationException(entity + " is not alive (destroyed, or a stale handle).");
        }

        if (!world.Has(entity, ReplayBuffer))
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} is not a Q-learning agent of spec {1} (no component {2}).", entity, this, ReplayBuffer.Name));
        }
    }

    private void CheckLength(Entity entity, string name, int length)
    {
        if (length != ObservationWidth)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: {1} needs {2} floats (the observation width); {3} were given.", entity, name, ObservationWidth, length), name);
        }
    }
}
