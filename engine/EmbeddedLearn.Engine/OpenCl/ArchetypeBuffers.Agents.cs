using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device columns of Q-learning agents (<see cref="QAgentSpec"/>), on archetypes that hold them. Resident: the
/// target parameters (state, in the tick-start snapshot, brought home with the model's state), the replay ring and the
/// sampled transitions. The host records transitions into the ring between ticks; only the slots written since the
/// last upload go up (found from <see cref="ReplayState.Added"/>), one slot of one tile per write. Up every tick (small,
/// written by the game): the observation, <see cref="QLearningSettings"/> and <see cref="ReplayState"/>; up before and
/// down after every tick: <see cref="QAgentState"/> (the decision the game reads, the random streams the device
/// advances). Struct components move as 32-bit words, bit for bit (<see cref="DeviceStructLayout"/>).
/// </summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary><see cref="ReplayState.Added"/> of each row when its ring was last uploaded.</summary>
    private long[] _ringAdded = [];

    /// <summary>Pinned staging of one ring slot of one tile, <c>(2n + 3) x Tile</c> floats in the device layout.</summary>
    private float[] _ringSlot = [];

    /// <summary>The agent spec of this archetype's entities, or null when they are not Q-learning agents.</summary>
    public QAgentSpec? Agent { get; }

    /// <summary>The Q-learning stages' device scratch (<see cref="AgentScratchFloats"/> per entity), or 0.</summary>
    public nint AgentScratch { get; private set; }

    /// <summary>Scratch floats per agent: what TdTarget needs (the next observations, one forward pass's activations,
    /// two Q tables), which covers Act's (one observation's activations and Q values).</summary>
    public int AgentScratchFloats => Agent is null ? 0 : TdTargetStage.ScratchLength(Spec);

    private void AddAgentColumns()
    {
        if (Agent is not QAgentSpec agent)
        {
            return;
        }

        Add(agent.Observation, state: false, perTick: true);
        _columns.Add(new DeviceColumn(agent.TargetParameters, Allocate(Bytes(agent.TargetParameters)), Allocate(Bytes(agent.TargetParameters)), 0)
        {
            CarriedByFusedKernel = false,
        });
        Add(agent.ReplayBuffer, state: false, perTick: false);
        Add(agent.ReplaySample, state: false, perTick: false);
        Add(ComponentType.Of<QLearningSettings>(), state: false, perTick: true);
        Add(ComponentType.Of<ReplayState>(), state: false, perTick: true);
        Add(ComponentType.Of<QAgentState>(), state: false, perTick: true);
        AgentScratch = Allocate(Padded * (long)AgentScratchFloats * sizeof(float));
        _ringAdded = new long[Count];
        _ringSlot = GC.AllocateArray<float>(agent.TransitionWidth * Tile, pinned: true);
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

    /// <summary>Copies a chunk's agent components that go up this tick into their staging arrays.</summary>
    private void GatherAgent(Chunk chunk, int row)
    {
        if (Agent is not QAgentSpec agent)
        {
            return;
        }

        GatherWords(chunk, agent.Observation, row);
        GatherWords(chunk, ComponentType.Of<QLearningSettings>(), row);
        GatherWords(chunk, ComponentType.Of<ReplayState>(), row);
        GatherWords(chunk, ComponentType.Of<QAgentState>(), row);
    }

    private void GatherWords(Chunk chunk, ComponentType type, int row)
    {
        DeviceColumn column = Column(type);
        CopyRows(chunk.Words(type), column.Staging, row, column.Words);
    }

    /// <summary>Copies the agents' states that came down into a chunk.</summary>
    private void ScatterAgent(Chunk chunk, int row)
    {
        if (Agent is null)
        {
            return;
        }

        DeviceColumn column = Column(ComponentType.Of<QAgentState>());
        column.Staging.AsSpan(row * column.Words, chunk.Count * column.Words).CopyTo(chunk.Words(column.Type));
    }

    /// <summary>Enqueues the agents' per-tick uploads (after <see cref="GatherOnHost"/>) and the ring slots recorded since
    /// the last upload.</summary>
    private void SendAgents()
    {
        if (Agent is not QAgentSpec agent)
        {
            return;
        }

        Send(Column(agent.Observation));
        Send(Column(ComponentType.Of<QLearningSettings>()));
        DeviceColumn replay = Column(ComponentType.Of<ReplayState>());
        Send(replay);
        Send(Column(ComponentType.Of<QAgentState>()));
        ReadOnlySpan<ReplayState> states = MemoryMarshal.Cast<float, ReplayState>(replay.Staging.AsSpan(0, Count * replay.Words));
        int capacity = agent.Capacity;
        for (int row = 0; row < Count; row++)
        {
            long added = states[row].Added;
            long delta = added - _ringAdded[row];
            if (delta == 0)
            {
                continue;
            }

            // The newest slots, back from Next; all of them when the ring went round since (or the count went back).
            int slots = delta < 0 || delta >= capacity ? capacity : (int)delta;
            for (int s = 0; s < slots; s++)
            {
                WriteRingSlot(agent, row, ((((states[row].Next - 1 - s) % capacity) + capacity) % capacity));
            }

            _ringAdded[row] = added;
        }
    }

    /// <summary>Writes ring slot <paramref name="slot"/> of the tile holding <paramref name="row"/> (every lane's, in the
    /// device layout: contiguous there) from the chunks, blocking (the staging array is reused at once).</summary>
    private void WriteRingSlot(QAgentSpec agent, int row, int slot)
    {
        int width = agent.TransitionWidth;
        int ring = agent.ReplayBuffer.ElementCount;
        int first = row / Tile * Tile;
        for (int lane = 0; lane < Tile; lane++)
        {
            int r = first + lane;
            if (r >= Count)
            {
                for (int k = 0; k < width; k++)
                {
                    _ringSlot[(k * Tile) + lane] = 0f;
                }

                continue;
            }

            ReadOnlySpan<float> transition = Archetype.GetChunk(r / Archetype.ChunkCapacity).GetSpan<float>(agent.ReplayBuffer)
                .Slice(((r % Archetype.ChunkCapacity) * ring) + (slot * width), width);
            for (int k = 0; k < width; k++)
            {
                _ringSlot[(k * Tile) + lane] = transition[k];
            }
        }

        long offset = (((long)first * ring) + ((long)slot * width * Tile)) * sizeof(float);
        fixed (float* source = _ringSlot)
        {
            Api.Write(Queue, Buffer(agent.ReplayBuffer), offset, width * Tile * (long)sizeof(float), source, blocking: true);
        }
    }

    /// <summary>Enqueues the read of the agents' states (non-blocking; the tick's wait covers it).</summary>
    private void DownloadAgents()
    {
        if (Agent is not null)
        {
            Download(Column(ComponentType.Of<QAgentState>()), blocking: false);
        }
    }

    /// <summary>After a run's wait: marks the agents that waited for transitions (the ReplaySample body's outcome) in
    /// their <see cref="TrainingState"/> at once, as the CPU stage does, so that the run's count of entities sitting out
    /// sees them (the tick's end writes every outcome again).</summary>
    public void MarkWaiting()
    {
        if (Agent is null || !Trainable)
        {
            return;
        }

        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Span<TrainingState> states = Archetype.GetChunk(c).GetSpan<TrainingState>();
            for (int r = 0; r < states.Length; r++)
            {
                if ((HostFlags[index + r] & (int)TickOutcome.Waiting) != 0)
                {
                    states[r].Outcome |= TickOutcome.Waiting;
                }
            }

            index += states.Length;
        }
    }
}
