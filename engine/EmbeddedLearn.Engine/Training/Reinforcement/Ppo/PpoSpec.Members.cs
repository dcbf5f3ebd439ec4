using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>Creating brains and the members' side: joining, observing, reading actions, rewarding, leaving.</summary>
public sealed partial class PpoSpec
{
    /// <summary>Slot flag: a member holds the slot.</summary>
    internal const int OccupiedOffset = 2;

    /// <summary>Slot flag: the slot acted at the brain's last decision (its row is <c>Step - 1</c> of the collecting rollout).</summary>
    internal const int ActedOffset = 3;

    /// <summary>
    /// Creates a brain: its model as <see cref="ModelSpec.Spawn(World, in TrainingSettings, ulong)"/> does from
    /// <paramref name="seed"/> (PyTorch's default initialisation), a log standard deviation of
    /// <see cref="PpoSettings.InitialLogStd"/> for continuous actions, no members, empty rollouts, and random streams for
    /// acting and shuffling derived from <paramref name="seed"/>. A structural change: not while a query runs.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid, or <see cref="TrainingSettings.AccumulationSteps"/> is
    /// not 1 (PPO steps once per minibatch); nothing is created.</exception>
    public Entity Spawn(World world, in TrainingSettings training, in PpoSettings ppo, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Spawn");
        Entity brain = Create(world, training, ppo, seed);
        ParameterInit.Default(Model.Layout, seed, world.GetSpan<float>(brain, Model.Parameters));
        return brain;
    }

    /// <summary>Creates a brain as <see cref="Spawn(World, in TrainingSettings, in PpoSettings, ulong)"/> does, with the
    /// given parameters in PyTorch order (per layer: weight <c>[out, in]</c> row-major, then bias <c>[out]</c>) and, for
    /// continuous actions, the given log standard deviation (A floats; empty: <see cref="PpoSettings.InitialLogStd"/>).</summary>
    /// <exception cref="ArgumentException">A setting is invalid, or a vector has the wrong length or a non-finite value
    /// (the message names it); nothing is created.</exception>
    public Entity Spawn(World world, in TrainingSettings training, in PpoSettings ppo, ReadOnlySpan<float> torchParameters,
        ReadOnlySpan<float> logStd, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Spawn");
        ModelSpec.CheckFiniteValues(Entity.Null, Model.Parameters, torchParameters);
        if (!logStd.IsEmpty && (Kind != PpoActionKind.Continuous || logStd.Length != ActionCount || FiniteCheck.FirstNonFinite(logStd) >= 0))
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "logStd must be empty or {0} finite floats for a continuous policy ({1} floats given, policy {2}).",
                Kind == PpoActionKind.Continuous ? ActionCount : 0, logStd.Length, Kind), nameof(logStd));
        }

        Entity brain = Create(world, training, ppo, seed);
        ParameterOrder.ImportTorch(Model.Layout, torchParameters, world.GetSpan<float>(brain, Model.Parameters));
        if (!logStd.IsEmpty)
        {
            logStd.CopyTo(world.GetSpan<float>(brain, LogStd!));
        }

        return brain;
    }

    /// <summary>
    /// Makes <paramref name="agent"/> (any live entity) a member of <paramref name="brain"/>: it takes the lowest free
    /// slot and gets a <see cref="PpoMember"/> component. It acts at every tick it has observed before
    /// (<see cref="Observe"/>). A structural change on the agent: not while a query runs.
    /// </summary>
    /// <returns>The slot taken.</returns>
    /// <exception cref="ArgumentException">The brain is full (the message names the brain, the agent and the capacity),
    /// or the agent already belongs to a brain.</exception>
    /// <exception cref="InvalidOperationException">The brain is not a live brain of this spec, or the agent is not alive.</exception>
    public int Join(World world, Entity brain, Entity agent)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Join");
        RequireBrain(world, brain);
        if (!world.IsAlive(agent))
        {
            throw new InvalidOperationException(agent + " is not alive (destroyed, or a stale handle): it cannot join " + brain + ".");
        }

        if (world.Has<PpoMember>(agent))
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0} already belongs to brain {1}; Leave it first.", agent, world.Get<PpoMember>(agent).Brain), nameof(agent));
        }

        Span<float> slots = world.GetSpan<float>(brain, Slots);
        int width = SlotWidth;
        int flags = ObservationWidth + ActionWidth;
        for (int s = 0; s < Capacity; s++)
        {
            Span<float> slot = slots.Slice(s * width, width);
            if (slot[flags + OccupiedOffset] != 0f)
            {
                continue;
            }

            slot.Clear();
            slot[..ObservationWidth].Fill(float.NaN); // nothing observed yet: no decision until Observe
            slot[flags + OccupiedOffset] = 1f;
            world.GetSpan<Entity>(brain, SlotMembers)[s] = agent;
            world.Add(agent, new PpoMember { Brain = brain, Slot = s });
            return s;
        }

        throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
            "Brain {0} is full: {1} cannot join, all {2} member slots (its capacity) are taken.", brain, agent, Capacity), nameof(agent));
    }

    /// <summary>
    /// Takes <paramref name="agent"/> out of its brain and frees its slot. Its partial trajectory is dropped: the
    /// transitions it recorded in the collecting rollout after its last <c>done</c> are left out of training (they
    /// have no successor to bootstrap from); transitions up to a <c>done</c> (finished episodes) and those of a rollout
    /// already handed to the update are kept. Call it before destroying a member (one destroyed without leaving stops
    /// deciding, since it no longer observes, and keeps its slot until <see cref="Sweep"/>). A structural change on the agent.
    /// </summary>
    /// <exception cref="InvalidOperationException">The agent is not a member of a live brain of this spec.</exception>
    public void Leave(World world, Entity agent)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Leave");
        (Entity brain, int s) = RequireMember(world, agent);
        FreeSlot(world, brain, s);
        world.Remove<PpoMember>(agent);
    }

    /// <summary>
    /// Frees the slots of <paramref name="brain"/>'s members that were destroyed (or lost their <see cref="PpoMember"/>)
    /// without <see cref="Leave"/>, dropping their partial trajectories as <see cref="Leave"/> does. Call it where the
    /// game may destroy members in bulk (a wave ends, a level unloads). Allocates nothing.
    /// </summary>
    /// <returns>How many slots were freed.</returns>
    /// <exception cref="InvalidOperationException">The brain is not a live brain of this spec.</exception>
    public int Sweep(World world, Entity brain)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Sweep");
        RequireBrain(world, brain);
        int freed = 0;
        for (int s = 0; s < Capacity; s++)
        {
            Entity member = world.GetSpan<Entity>(brain, SlotMembers)[s];
            bool holds = world.GetSpan<float>(brain, Slots)[(s * SlotWidth) + ObservationWidth + ActionWidth + OccupiedOffset] != 0f;
            if (holds && !(world.IsAlive(member) && world.TryGet(member, out PpoMember m) && m.Brain == brain && m.Slot == s))
            {
                FreeSlot(world, brain, s);
                freed++;
            }
        }

        return freed;
    }

    /// <summary>Writes <paramref name="agent"/>'s observation for the next decision (n floats, copied; allocates
    /// nothing). Observe before every decision: a decision uses the observation up, and a member that has not observed
    /// since the last one takes no decision. A value that is NaN or infinite is stored as given: at the next decision
    /// the member records nothing and keeps its last action (containment per member).</summary>
    /// <exception cref="ArgumentException">The observation is not n floats (the message names the length expected and given).</exception>
    /// <exception cref="InvalidOperationException">The agent is not a member of a live brain of this spec.</exception>
    public void Observe(World world, Entity agent, ReadOnlySpan<float> observation)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Observe");
        (Entity brain, int s) = RequireMember(world, agent);
        if (observation.Length != ObservationWidth)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: observation needs {1} floats (the observation width); {2} were given.", agent, ObservationWidth, observation.Length),
                nameof(observation));
        }

        observation.CopyTo(world.GetSpan<float>(brain, Slots).Slice(s * SlotWidth, ObservationWidth));
    }

    /// <summary>
    /// <paramref name="agent"/>'s action from the last decision: A floats for continuous actions (unbounded Gaussian
    /// samples; clip or squash them in the game as ML-Agents does), or one float holding the index in <c>[0, A)</c> for
    /// discrete ones. A view of the brain's storage, valid until the next tick or structural change; zeros before
    /// the member's first decision.
    /// </summary>
    /// <exception cref="InvalidOperationException">The agent is not a member of a live brain of this spec.</exception>
    public ReadOnlySpan<float> Action(World world, Entity agent)
    {
        ArgumentNullException.ThrowIfNull(world);
        (Entity brain, int s) = RequireMember(world, agent);
        return world.GetSpan<float>(brain, Slots).Slice((s * SlotWidth) + ObservationWidth, ActionWidth);
    }

    /// <summary>The discrete action index of <paramref name="agent"/>'s last decision, in <c>[0, A)</c>.</summary>
    /// <exception cref="InvalidOperationException">The policy is continuous, or the agent is not a member of a live brain of this spec.</exception>
    public int DiscreteAction(World world, Entity agent) => Kind == PpoActionKind.Discrete
        ? (int)Action(world, agent)[0]
        : throw new InvalidOperationException(this + " has continuous actions: read them with Action.");

    /// <summary>
    /// Adds <paramref name="reward"/> to <paramref name="agent"/>'s transition of the last decision and marks it
    /// terminal when <paramref name="done"/> (the episode ended: GAE does not bootstrap across it). Call it after
    /// applying the action, before the next tick; several calls add up (ML-Agents' AddReward). A reward that is NaN
    /// or infinite leaves that transition out of training (containment per member); it never throws for bad data.
    /// </summary>
    /// <returns>Whether the reward was recorded (false: the member took no decision yet, or the value was not finite).</returns>
    /// <exception cref="InvalidOperationException">The agent is not a member of a live brain of this spec.</exception>
    public bool Reward(World world, Entity agent, float reward, bool done)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("PpoSpec.Reward");
        (Entity brain, int s) = RequireMember(world, agent);
        ref PpoState state = ref world.Get<PpoState>(brain);
        int flags = ObservationWidth + ActionWidth;
        if (state.Step == 0 || world.GetSpan<float>(brain, Slots)[(s * SlotWidth) + flags + ActedOffset] == 0f)
        {
            return false;
        }

        Span<float> row = CollectingRows(world.GetSpan<float>(brain, Rollouts), state.Collecting)
            .Slice(((s * Horizon) + state.Step - 1) * RowWidth, RowWidth);
        if (row[flags + 4] == 0f || float.IsNaN(row[flags + 2]))
        {
            return false; // already left out
        }

        if (!float.IsFinite(reward))
        {
            row[flags + 2] = float.NaN; // left out of training; its value still bootstraps the member's previous transition
            return false;
        }

        row[flags + 2] += reward;
        row[flags + 3] = done || row[flags + 3] != 0f ? 1f : 0f;
        return true;
    }

    /// <summary>Members the brain holds now.</summary>
    public int MemberCount(World world, Entity brain)
    {
        ArgumentNullException.ThrowIfNull(world);
        RequireBrain(world, brain);
        ReadOnlySpan<float> slots = world.GetSpan<float>(brain, Slots);
        int count = 0;
        for (int s = 0; s < Capacity; s++)
        {
            count += slots[(s * SlotWidth) + ObservationWidth + ActionWidth + OccupiedOffset] != 0f ? 1 : 0;
        }

        return count;
    }

    /// <summary>The brain's log standard deviation (A floats; continuous policies only), a view valid until the next
    /// tick or structural change.</summary>
    /// <exception cref="InvalidOperationException">The policy is discrete, or the brain is not a live brain of this spec.</exception>
    public ReadOnlySpan<float> ReadLogStd(World world, Entity brain)
    {
        ArgumentNullException.ThrowIfNull(world);
        RequireBrain(world, brain);
        return LogStd is null ? throw new InvalidOperationException(this + " has discrete actions: no log standard deviation.")
            : world.GetSpan<float>(brain, LogStd);
    }

    /// <summary>Frees slot <paramref name="s"/>: drops its member's rows after its last <c>done</c> in the collecting
    /// rollout, clears the slot.</summary>
    private void FreeSlot(World world, Entity brain, int s)
    {
        ref PpoState state = ref world.Get<PpoState>(brain);
        Span<float> rows = CollectingRows(world.GetSpan<float>(brain, Rollouts), state.Collecting);
        int done = ObservationWidth + ActionWidth + 3;
        for (int t = state.Step - 1; t >= 0; t--)
        {
            Span<float> row = rows.Slice(((s * Horizon) + t) * RowWidth, RowWidth);
            if (row[done] != 0f)
            {
                break;
            }

            if (row[done + 1] != 0f)
            {
                row[done + 1] = 0f;
                state.RowsLeftOut++;
            }
        }

        world.GetSpan<float>(brain, Slots).Slice(s * SlotWidth, SlotWidth).Clear();
        world.GetSpan<Entity>(brain, SlotMembers)[s] = Entity.Null;
    }

    /// <summary>The collecting (or, with the other index, the training) rollout's rows within a brain's rollouts.</summary>
    internal Span<float> CollectingRows(Span<float> rollouts, int buffer) =>
        rollouts.Slice(buffer * Capacity * Horizon * RowWidth, Capacity * Horizon * RowWidth);

    private Entity Create(World world, in TrainingSettings training, in PpoSettings ppo, ulong seed)
    {
        training.ThrowIfInvalid();
        ppo.ThrowIfInvalid();
        if (training.AccumulationSteps != 1)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Invalid TrainingSettings for a PPO brain: AccumulationSteps is {0}; PPO steps after every minibatch (1).",
                training.AccumulationSteps), nameof(training));
        }

        Signature signature = Model.SignatureFor(training);
        foreach (ComponentType type in Components)
        {
            signature = signature.Contains(type) ? signature : signature.With(type);
        }

        Entity brain = world.Create(signature);
        world.Set(brain, training);
        world.Set(brain, ppo);
        if (LogStd is not null)
        {
            world.GetSpan<float>(brain, LogStd).Fill(ppo.InitialLogStd);
        }

        var streams = new SplitMix64(seed ^ 0x50504F5F5EEDUL);
        world.Set(brain, new PpoState { ActRandom = streams.NextUInt64(), ShuffleRandom = streams.NextUInt64() });
        return brain;
    }

    private void RequireBrain(World world, Entity brain)
    {
        if (!world.IsAlive(brain))
        {
            throw new InvalidOperationException(brain + " is not alive (destroyed, or a stale handle).");
        }

        if (!world.Has(brain, Rollouts))
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} is not a PPO brain of spec {1} (no component {2}).", brain, this, Rollouts.Name));
        }
    }

    private (Entity Brain, int Slot) RequireMember(World world, Entity agent)
    {
        if (!world.IsAlive(agent) || !world.Has<PpoMember>(agent))
        {
            throw new InvalidOperationException(agent + " is not a member of a PPO brain (not alive, or never joined).");
        }

        PpoMember member = world.Get<PpoMember>(agent);
        RequireBrain(world, member.Brain);
        return (member.Brain, member.Slot);
    }
}
