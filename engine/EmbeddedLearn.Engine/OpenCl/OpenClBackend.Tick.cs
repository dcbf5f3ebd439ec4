using System.Diagnostics;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.OpenCl;

/// <summary>The tick on the device: stage checks, the explicit begin (resynchronise on structural change), each run of
/// block stages (upload samples, snapshot, one launch per stage per archetype row interval, enqueue result reads),
/// game systems on the host, the end (one wait), and recovery after a fault.</summary>
public sealed partial class OpenClBackend
{
    private int[] _intervalStarts = new int[16];
    private int[] _intervalLengths = new int[16];
    private int[] _intervalArchetype = new int[16];
    private int _intervalCount;
    private bool _tickOpen;
    private bool _kernelsEnqueued;
    private bool _snapshotTaken;
    private bool _readsPending;

    /// <inheritdoc/>
    internal override void CheckStages(IReadOnlyList<IPipelineStage> stages)
    {
        foreach (IPipelineStage stage in stages)
        {
            if (stage is IBlockStage block && block.Kind == StageKind.Custom)
            {
                throw new NotSupportedException("Stage " + stage.Name + " is a custom block stage (StageKind.Custom): the OpenCL "
                    + "backend runs only the built-in stages on the device. Run it as an IWorldSystem (what it declares it reads "
                    + "is synchronised to the host first, what it writes goes back to the device), or use the CPU backend.");
            }

            if (stage is OptimizerStepStage step && !_device.HasKernel(step.Optimizer.KernelName))
            {
                throw new NotSupportedException("Stage " + stage.Name + ": the OpenCL program has no kernel "
                    + step.Optimizer.KernelName + " for optimizer " + step.Optimizer.Name + ".");
            }
        }
    }

    /// <inheritdoc/>
    internal override void BeginTick(World world)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(world, _world) || !HostResidency.IsOwner(world, this))
        {
            // A new world, or one another pipeline trained since: take its state from whoever holds it, upload anew.
            if (_world is not null && !ReferenceEquals(world, _world))
            {
                if (!_world.IsDisposed)
                {
                    SynchronizeToHost(_world); // what was trained on the previous world stays in it
                }

                HostResidency.Unregister(_world, this);
            }

            HostResidency.TakeOver(world, this);
            ReleaseBuffers();
            _world = world;
            _hostDirty = true;
        }

        _tickOpen = true;
        _kernelsEnqueued = false;
        _snapshotTaken = false;
        _readsPending = false;
    }

    /// <inheritdoc/>
    internal override void RunBlocks(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, int first, int end, long[] stageTicks)
    {
        PrepareDevice(world);
        BuildIntervals(plan);
        for (int s = first; s < end; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var stage = (IBlockStage)stages[s];
            _kernelsEnqueued = true;
            for (int a = 0; a < _archetypes.Count; a++)
            {
                if (stage.RunsWhenNotTraining)
                {
                    Launch(stage, _archetypes[a], 0, _archetypes[a].Count);
                    continue;
                }

                for (int i = 0; i < _intervalCount; i++)
                {
                    if (_intervalArchetype[i] == a)
                    {
                        Launch(stage, _archetypes[a], _intervalStarts[i], _intervalLengths[i]);
                    }
                }
            }

            stageTicks[s] += Stopwatch.GetTimestamp() - t0;
        }

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.ReadResults();
            buffers.ReadFlags();
        }

        _readsPending = true;
    }

    /// <inheritdoc/>
    internal override void BeforeWorldSystem(World world, IWorldSystem system)
    {
        if (!ReferenceEquals(world, _world))
        {
            return;
        }

        if (_readsPending)
        {
            _device.Api.Finish(_device.Queue);
            _readsPending = false;
        }

        if ((system.Reads & ModelData.Resident) != 0 && _kernelsEnqueued)
        {
            SynchronizeToHost(world);
        }
    }

    /// <inheritdoc/>
    internal override void AfterWorldSystem(World world, IWorldSystem system)
    {
        if (ReferenceEquals(world, _world) && (system.Writes & (ModelData.Resident | ModelData.Settings)) != 0)
        {
            if (!_hostCurrent && _kernelsEnqueued)
            {
                // The system wrote part of the resident state on the host; bring the rest home first so that the
                // upload before the next stage sends a consistent state.
                SynchronizeToHost(world);
            }

            _hostDirty = true;
        }
    }

    /// <inheritdoc/>
    internal override void EndTick(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, long[] stageTicks)
    {
        if (_tickOpen && _kernelsEnqueued)
        {
            _device.Api.Finish(_device.Queue);
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                buffers.CollectOutcomes(account);
            }
        }

        _readsPending = false;
        _tickOpen = false;
    }

    /// <summary>After an <see cref="OpenClException"/> during a tick: writes into <paramref name="world"/> the state
    /// the device had at the start of that tick (its snapshot, or the live buffers when no kernel ran yet), all
    /// archetypes or none. Returns false, with why in <paramref name="detail"/>, when it could not be read (the world
    /// then keeps the state of the last synchronisation).</summary>
    internal bool RecoverToHost(World world, out string detail)
    {
        bool tickWasOpen = _tickOpen;
        _tickOpen = false;
        if (!ReferenceEquals(world, _world) || _hostDirty)
        {
            detail = "the host components already held the latest state";
            return true;
        }

        bool fromSnapshot = tickWasOpen && _kernelsEnqueued && _snapshotTaken;
        try
        {
            _device.Api.Finish(_device.Queue);
            CommitAll(world, fromSnapshot);
            detail = fromSnapshot ? "restored the device state from the start of the failed tick" : "restored the device state (no kernel of the failed tick had run)";
            return true;
        }
        catch (OpenClException ex)
        {
            detail = "the device state could not be read back (" + ex.Message + "); the world keeps the state of the last synchronisation";
            return false;
        }
    }

    private static void Launch(IBlockStage stage, ArchetypeBuffers buffers, int firstRow, int rows)
    {
        switch (stage.Kind)
        {
            case StageKind.ZeroGrad:
                buffers.Launch(OpenClStageKind.ZeroGrad, firstRow, rows);
                break;
            case StageKind.Forward:
                buffers.Launch(OpenClStageKind.Forward, firstRow, rows);
                break;
            case StageKind.MseLoss:
                buffers.Launch(OpenClStageKind.MseLoss, firstRow, rows);
                break;
            case StageKind.Backward:
                buffers.Launch(OpenClStageKind.Backward, firstRow, rows);
                break;
            case StageKind.Guard:
                buffers.Launch(OpenClStageKind.Guard, firstRow, rows);
                break;
            case StageKind.OptimizerStep:
                buffers.LaunchOptimizer(((OptimizerStepStage)stage).Optimizer, firstRow, rows);
                break;
            default:
                throw new NotSupportedException("Stage " + stage.Name + " cannot run on the OpenCL device.");
        }
    }

    /// <summary>Makes the device hold the world's current model set and this tick's samples: resynchronises after a
    /// structural change or a host edit, uploads changed settings, the inputs and targets, and (once per tick) a
    /// snapshot of the resident state for recovery.</summary>
    private void PrepareDevice(World world)
    {
        _hostCurrent = false;
        if (_hostDirty || world.StructureVersion != _uploadedVersion)
        {
            Resynchronise(world);
        }
        else
        {
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                if (buffers.Trainable)
                {
                    buffers.UploadSettings(force: false);
                }
            }
        }

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.UploadSamples();
            buffers.UploadFlags();
        }

        if (!_snapshotTaken)
        {
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                buffers.Snapshot();
            }

            _snapshotTaken = true;
        }
    }

    /// <summary>Turns the plan's training window into row intervals per device archetype (consecutive trained blocks
    /// of one archetype merge into one interval).</summary>
    private void BuildIntervals(BlockPlan plan)
    {
        _intervalCount = 0;
        int currentArchetype = -1;
        for (int i = 0; i < plan.Count; i++)
        {
            if (!plan.Trains(i))
            {
                currentArchetype = -1;
                continue;
            }

            int a = IndexOf(plan.Range(i).Archetype);
            int row = plan.ArchetypeRow(i);
            int length = plan.Range(i).Length;
            if (a < 0)
            {
                continue;
            }

            int last = _intervalCount - 1;
            if (a == currentArchetype && last >= 0 && _intervalStarts[last] + _intervalLengths[last] == row)
            {
                _intervalLengths[last] += length;
                continue;
            }

            if (_intervalCount == _intervalStarts.Length)
            {
                Array.Resize(ref _intervalStarts, _intervalCount * 2);
                Array.Resize(ref _intervalLengths, _intervalCount * 2);
                Array.Resize(ref _intervalArchetype, _intervalCount * 2);
            }

            _intervalStarts[_intervalCount] = row;
            _intervalLengths[_intervalCount] = length;
            _intervalArchetype[_intervalCount] = a;
            _intervalCount++;
            currentArchetype = a;
        }
    }

    private int IndexOf(Archetype archetype)
    {
        for (int a = 0; a < _archetypes.Count; a++)
        {
            if (ReferenceEquals(_archetypes[a].Archetype, archetype))
            {
                return a;
            }
        }

        return -1;
    }

    private void Resynchronise(World world)
    {
        if (!_hostDirty)
        {
            _device.Api.Finish(_device.Queue);
            CommitAll(world, fromSnapshot: false);
        }

        _hostDirty = true;
        ReleaseBuffers();
        foreach (Archetype archetype in world.Archetypes)
        {
            ModelSpec? spec = archetype.EntityCount > 0 ? ModelSpec.Find(archetype) : null;
            if (spec is null)
            {
                continue;
            }

            var buffers = new ArchetypeBuffers(_device, archetype, spec);
            _archetypes.Add(buffers);
            buffers.UploadAll();
        }

        _uploadedVersion = world.StructureVersion;
        _hostDirty = false;
    }
}
