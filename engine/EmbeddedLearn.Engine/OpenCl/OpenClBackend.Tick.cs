using System.Diagnostics;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.OpenCl;

/// <summary>The tick on the device: stage checks, the explicit begin (resynchronise on structural change), each run of
/// block stages (upload samples and the per-entity flags: left out for bad data, resting outside the training window;
/// snapshot; one launch per stage per archetype, consecutive ones fused; read results and flags, one wait; outcomes
/// into the account), game systems on the host, the end (device time into the report), and recovery after a fault.</summary>
public sealed partial class OpenClBackend
{
    private bool _tickOpen;
    private bool _kernelsEnqueued;
    private bool _snapshotTaken;

    /// <summary>The plan and its <see cref="BlockPlan.SettingsGeneration"/> as of the last settings upload or comparison.</summary>
    private long _settingsGeneration = -1;
    private BlockPlan? _settingsPlan;

    /// <inheritdoc/>
    internal override void CheckStages(IReadOnlyList<IPipelineStage> stages)
    {
        foreach (IPipelineStage stage in stages)
        {
            if (stage is IBlockStage { Kind: StageKind.Custom } block)
            {
                if (block.Device is not DeviceBody body)
                {
                    throw new NotSupportedException("Stage " + stage.Name + " is a custom block stage (StageKind.Custom) without device "
                        + "code: the OpenCL backend runs on the device the built-in stages and the custom ones that supply "
                        + "IBlockStage.Device (an OpenCL C body). Supply one, run it as an IWorldSystem (what it declares it reads is "
                        + "synchronised to the host first, what it writes goes back to the device), or use the CPU backend.");
                }

                _device.CustomKernel(stage.Name, body); // built now, so a body that does not compile is refused up front
            }

            if (stage is IBlockStage { Kind: not StageKind.Custom } builtIn && DeviceStages.IndexOf(builtIn.Device) < 0)
            {
                throw new NotSupportedException("Stage " + stage.Name + ": the OpenCL program has no kernel for it"
                    + (stage is OptimizerStepStage step ? " (optimizer " + step.Optimizer.Name + " has no device code in the default pipeline)" : string.Empty)
                    + ".");
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
    }

    /// <inheritdoc/>
    internal override void RunBlocks(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, int first, int end, long[] stageTicks)
    {
        PrepareDevice(world, plan, account);
        for (int s = first; s < end; s++)
        {
            var stage = (IBlockStage)stages[s];
            _kernelsEnqueued = true;
            if (stage.Kind == StageKind.Custom)
            {
                // A game's stage with device code: its own launch, between the built-in ones, in pipeline order.
                nint kernel = _device.CustomKernel(stage.Name, stage.Device!);
                foreach (ArchetypeBuffers buffers in _archetypes)
                {
                    buffers.LaunchCustom(kernel, stage.Device!);
                }

                continue;
            }

            int index = DeviceStages.IndexOf(stage.Device);
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                buffers.Launch(index); // consecutive stages in default order go out as one fused launch
            }
        }

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.ReadFlags();
            buffers.ReadResults(_hostPool); // the run's wait: its last read blocks
            buffers.CollectOutcomes(account); // before the next run's stages, and before the pipeline counts who sat out
        }
    }

    /// <inheritdoc/>
    internal override int? CountSittingOut(BlockPlan plan)
    {
        if (plan.Scheduled)
        {
            return null; // the plan's blocks are some of the rows: the pipeline counts those
        }

        // Every row of every model archetype is in the plan, and each archetype's buffers counted its own.
        int count = 0;
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            count += buffers.SittingOut();
        }

        return count;
    }

    /// <inheritdoc/>
    internal override void BeforeWorldSystem(World world, IWorldSystem system)
    {
        if (!ReferenceEquals(world, _world))
        {
            return;
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
            _device.Profiler.CompleteTick();
            RecordDeviceTime(plan, stages, stageTicks);
        }

        _tickOpen = false;
    }

    /// <summary>Replaces the block stages' times by device time from the profiling events: a stage's own kernel, or,
    /// for stages that went out fused, the fused launch's time on the first of them (games' stages: their shared
    /// slot's time on the first of them). Feeds the training budget the
    /// device time of the tick per trained block.</summary>
    private void RecordDeviceTime(BlockPlan plan, IPipelineStage[] stages, long[] stageTicks)
    {
        double toTicks = Stopwatch.Frequency / 1e9;
        long total = 0;
        bool fusedReported = false;
        bool customReported = false;
        for (int s = 0; s < stages.Length; s++)
        {
            if (stages[s] is not IBlockStage stage)
            {
                continue;
            }

            // Games' stages share one slot: its time goes to the first of them, as a fused launch's does.
            bool custom = stage.Kind == StageKind.Custom;
            long ns = custom
                ? (customReported ? 0 : _device.Profiler.LastTickNanoseconds(DeviceProfiler.CustomSlot))
                : _device.Profiler.LastTickNanoseconds(DeviceStages.IndexOf(stage.Device));
            customReported |= custom;
            long fused = _device.Profiler.LastTickNanoseconds(DeviceProfiler.FusedSlot) + _device.Profiler.LastTickNanoseconds(DeviceProfiler.GpuSlot);
            if (!fusedReported && fused > 0)
            {
                ns += fused;
                fusedReported = true;
            }

            stageTicks[s] = (long)(ns * toTicks);
            total += stageTicks[s];
        }

        plan.RecordDeviceTick(total, plan.EntitiesInferred);
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

    /// <summary>Makes the device hold the world's current model set and this tick's samples: resynchronises after a
    /// structural change or a host edit, uploads changed settings, the inputs and targets, and (once per tick) a
    /// snapshot of the resident state for recovery.</summary>
    private void PrepareDevice(World world, BlockPlan plan, TickAccount account)
    {
        _hostCurrent = false;
        if (_hostDirty || world.StructureVersion != _uploadedVersion)
        {
            Resynchronise(world);
        }
        else if (plan.SettingsGeneration < 0 || plan.SettingsGeneration != _settingsGeneration || !ReferenceEquals(plan, _settingsPlan))
        {
            // Unless the pipeline's check just now saw every entity's settings exactly as at the check before the last
            // upload (the same plan, nothing remembered since), compare them with what the device holds.
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                if (buffers.Trainable)
                {
                    buffers.UploadSettings(force: false);
                }
            }
        }

        _settingsGeneration = plan.SettingsGeneration; // the device now holds the settings that check saw
        _settingsPlan = plan;

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            // The samples and every row's flags, gathered on the pool's threads; without a schedule every row is served and
            // trains, so the gather sets the flags so.
            buffers.UploadSamples(_hostPool, plan, everyRowServed: !plan.Scheduled);
        }

        MarkNonFinite(plan, account);

        // With a schedule, the plan's blocks are the rows this tick serves (decision periods or the budget defer the others).
        for (int i = 0; plan.Scheduled && i < plan.Count; i++)
        {
            int a = IndexOf(plan.Range(i).Archetype);
            if (a >= 0)
            {
                _archetypes[a].MarkServed(plan.ArchetypeRow(i), plan.Range(i).Length, plan.Trains(i));
            }
        }

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.WriteFlags();
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

    /// <summary>The admission's marking of entities whose samples are not finite (<see cref="TickAdmission.MarkNonFinite"/>),
    /// for the blocks, in plan order, whose chunk the gather found such a value in; their flags follow.</summary>
    private void MarkNonFinite(BlockPlan plan, TickAccount account)
    {
        bool found = false;
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            found |= buffers.FoundNonFinite();
        }

        for (int i = 0; found && i < plan.Count; i++)
        {
            int a = IndexOf(plan.Range(i).Archetype);
            if (a >= 0 && _archetypes[a].NonFiniteAt(plan.ArchetypeRow(i)))
            {
                var block = new ModelBlock(plan.Spec(i), plan.Range(i), []);
                TickAdmission.MarkNonFinite(block, plan.SampleChecks, plan.SampleChecksFirstOfTick, account);
                _archetypes[a].RefreshFlags(block, plan.ArchetypeRow(i));
            }
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
