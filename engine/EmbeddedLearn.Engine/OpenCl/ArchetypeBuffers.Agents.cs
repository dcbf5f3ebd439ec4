using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device columns of Q-learning agents (<see cref="QAgentSpec"/>), on archetypes that hold them. Resident: the
/// target parameters (state, in the tick-start snapshot, brought home with the model's state), the replay ring and the
/// sampled transitions (which stay on the device: the host's ReplaySample, and the model's inputs and targets, are not
/// brought home). The host records transitions into the ring between ticks; only the slots written since the last
/// upload go up (found from <see cref="ReplayState.Added"/>), all of them in one write and one launch. Up every tick:
/// the observation and <see cref="ReplayState"/> (small, written by the game); <see cref="QLearningSettings"/> when the
/// game changed them. Down after every tick: <see cref="QAgentState"/> (the decision the game reads; the device advances
/// its random streams and counters, so it is resident state the host only reads, as the parameters are: a game that
/// writes it itself calls <see cref="OpenClBackend.UploadFromHost"/>). Struct components move as 32-bit words, bit for
/// bit (<see cref="DeviceStructLayout"/>). The columns move as their <see cref="DeviceColumnFlow"/> says (see
/// ArchetypeBuffers.Extensions.cs); what is the agents' own here is the replay ring's transfer.
/// </summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary><see cref="ReplayState.Added"/> of each row when its ring was last uploaded.</summary>
    private long[] _ringAdded = [];

    /// <summary>Pinned staging of the transitions going up this tick: <c>(row, slot)</c> pairs and their floats, entity-major,
    /// room for <see cref="_appendCapacity"/> of them (one per agent to start with; grown when a tick needs more).</summary>
    private int[] _appendWhere = [];
    private float[] _appendValues = [];
    private int _appendCapacity;
    private nint _appendWhereBuffer;
    private nint _appendValuesBuffer;

    /// <summary>The agent spec of this archetype's entities, or null when they are not Q-learning agents.</summary>
    public QAgentSpec? Agent { get; }

    /// <summary>The Q-learning stages' device scratch (<see cref="AgentScratchFloats"/> per entity), or 0.</summary>
    public nint AgentScratch { get; private set; }

    /// <summary>Scratch floats per agent: for a Q-learning agent what TdTarget needs (the next observations, one forward
    /// pass's activations, two Q tables), which covers Act's (one observation's activations and Q values); for a PPO brain
    /// what its decisions need (a batch of observations, outputs and activations), which covers the loss's advantages.</summary>
    public int AgentScratchFloats => Agent is not null ? TdTargetStage.ScratchLength(Spec)
        : Ppo is not null ? Math.Max(PpoActStage.ScratchLength(Spec), Spec.Batch) : 0;

    private void AddAgentColumns()
    {
        if (Agent is not QAgentSpec agent)
        {
            return;
        }

        AddExtension(DeviceArgument.Observation, agent.Observation, DeviceColumnFlow.Up);
        _columns.Add(new DeviceColumn(agent.TargetParameters, Allocate(Bytes(agent.TargetParameters)), Allocate(Bytes(agent.TargetParameters)), 0)
        {
            CarriedByFusedKernel = false,
            Argument = DeviceArgument.TargetParameters,
        });
        AddExtension(DeviceArgument.ReplayBuffer, agent.ReplayBuffer, DeviceColumnFlow.Resident);
        AddExtension(DeviceArgument.ReplaySample, agent.ReplaySample, DeviceColumnFlow.Resident);
        AddExtension(DeviceArgument.QLearningSettings, ComponentType.Of<QLearningSettings>(), DeviceColumnFlow.UpWhenChanged);
        AddExtension(DeviceArgument.ReplayState, ComponentType.Of<ReplayState>(), DeviceColumnFlow.Up);
        AddExtension(DeviceArgument.QAgentState, ComponentType.Of<QAgentState>(), DeviceColumnFlow.Down);
        _ringAdded = new long[Count];
        GrowAppend(agent, Math.Max(1, Count));
    }

    /// <summary>Records every row's ring as uploaded (after a whole upload).</summary>
    private void RingsUploaded()
    {
        if (Agent is null)
        {
            return;
        }

        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            foreach (ReplayState state in Archetype.GetChunk(c).GetSpan<ReplayState>())
            {
                _ringAdded[index++] = state.Added;
            }
        }
    }

    /// <summary>Enqueues the ring slots recorded since the last upload (after <see cref="GatherOnHost"/>, which gathered
    /// the replay states).</summary>
    private void SendTransitions()
    {
        if (Agent is QAgentSpec agent)
        {
            DeviceColumn replay = Column(ComponentType.Of<ReplayState>());
            SendTransitions(agent, MemoryMarshal.Cast<float, ReplayState>(replay.Staging.Span[..(Count * replay.Words)]));
        }
    }

    /// <summary>Sends the ring slots recorded since the last upload (found from <see cref="ReplayState.Added"/>: the newest
    /// slots back from <c>Next</c>, all of them when the ring went round since): gathered into the pinned staging, one
    /// non-blocking write each of slots and floats, and one launch that puts them into the rings.</summary>
    private void SendTransitions(QAgentSpec agent, ReadOnlySpan<ReplayState> states)
    {
        int capacity = agent.Capacity;
        int total = 0;
        for (int row = 0; row < Count; row++)
        {
            total += Slots(states[row].Added - _ringAdded[row], capacity);
        }

        if (total == 0)
        {
            return;
        }

        if (total > _appendCapacity)
        {
            GrowAppend(agent, Math.Max(total, 2 * _appendCapacity));
        }

        int width = agent.TransitionWidth;
        int ring = agent.ReplayBuffer.ElementCount;
        int entry = 0;
        for (int row = 0; row < Count; row++)
        {
            int slots = Slots(states[row].Added - _ringAdded[row], capacity);
            if (slots == 0)
            {
                continue;
            }

            ReadOnlySpan<float> rings = Archetype.GetChunk(row / Archetype.ChunkCapacity).GetSpan<float>(agent.ReplayBuffer)
                .Slice(row % Archetype.ChunkCapacity * ring, ring);
            for (int s = 0; s < slots; s++)
            {
                int slot = (((states[row].Next - 1 - s) % capacity) + capacity) % capacity;
                _appendWhere[2 * entry] = row;
                _appendWhere[(2 * entry) + 1] = slot;
                rings.Slice(slot * width, width).CopyTo(_appendValues.AsSpan(entry * width, width));
                entry++;
            }

            _ringAdded[row] = states[row].Added;
        }

        // The staging arrays are pinned and not touched again before the tick's wait, so the writes may be in flight.
        fixed (int* where = _appendWhere)
        fixed (float* values = _appendValues)
        {
            Api.Write(Queue, _appendWhereBuffer, 0, 2L * total * sizeof(int), where, blocking: false);
            Api.Write(Queue, _appendValuesBuffer, 0, (long)total * width * sizeof(float), values, blocking: false);
        }

        nint kernel = _device.Kernel(KernelSource.RingAppend);
        Api.Arg(kernel, 0, total);
        Api.Arg(kernel, 1, Tile);
        Api.Arg(kernel, 2, ring);
        Api.Arg(kernel, 3, width);
        Api.Arg(kernel, 4, _appendWhereBuffer);
        Api.Arg(kernel, 5, _appendValuesBuffer);
        Api.Arg(kernel, 6, Buffer(agent.ReplayBuffer));
        int global = (total + LocalSize - 1) / LocalSize * LocalSize;
        _device.Profiler.Add(DeviceProfiler.LayoutSlot, Api.Launch(Queue, kernel, global, LocalSize));
    }

    /// <summary>Slots to send for a row whose <see cref="ReplayState.Added"/> moved by <paramref name="delta"/>: that many,
    /// or the whole ring when it went round (or the count went back, a game's own write).</summary>
    private static int Slots(long delta, int capacity) => delta == 0 ? 0 : delta < 0 || delta >= capacity ? capacity : (int)delta;

    /// <summary>Makes room for <paramref name="entries"/> transitions in the staging (host, pinned, and device). Only
    /// between ticks' waits: the old arrays' writes have completed.</summary>
    private void GrowAppend(QAgentSpec agent, int entries)
    {
        Release(_appendWhereBuffer);
        Release(_appendValuesBuffer);
        _appendCapacity = entries;
        _appendWhere = GC.AllocateArray<int>(2 * entries, pinned: true);
        _appendValues = GC.AllocateArray<float>(entries * agent.TransitionWidth, pinned: true);
        _appendWhereBuffer = Allocate(2L * entries * sizeof(int));
        _appendValuesBuffer = Allocate((long)entries * agent.TransitionWidth * sizeof(float));
    }

    private void Release(nint buffer)
    {
        if (buffer != 0 && _owned.Remove(buffer))
        {
            Api.Cl.ReleaseMemObject(buffer);
        }
    }
}
