namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Kernel launches over all of this archetype's entities: whole groups of <see cref="LocalSize"/> work-items, each
/// for <see cref="VectorWidth"/> neighbouring entities (items starting past <see cref="Count"/> return at once).
/// <para>Fusion: with <see cref="Fuse"/> on, <see cref="Launch"/> does not enqueue at once; stages launched in the
/// default order (ZeroGrad, Forward, MseLoss, Backward, Guard, SgdStep, AdamStep, AdamWStep; any subset, each at most
/// once) collect
/// and go out as one <c>fused_tick</c> launch when anything else touches the buffers (<see cref="ReadResults"/>,
/// <see cref="Stage"/>, <see cref="Snapshot"/>, an upload) or when a stage arrives out of that order. Each entity's
/// stages only read that entity's data, so running them back to back per work-item gives the same numbers as
/// separate launches. A single collected stage goes out through its own kernel. With <see cref="Fuse"/> off every
/// stage is its own launch (and its own device-time slot).</para>
/// <para>The tick-start snapshot (<see cref="Snapshot"/>) is taken by the first launch that goes out: for the fused
/// kernel the live and snapshot buffers swap roles and each work-item copies its entities' state into the new live
/// buffers before its stages run; a single-stage launch is preceded by whole-buffer copies.</para>
/// </summary>
internal sealed partial class ArchetypeBuffers
{
    /// <summary>The fused kernel's flag for taking the snapshot (the generated STAGE_SNAPSHOT).</summary>
    private const int SnapshotBit = DeviceSettingsLayout.StageSnapshot;

    /// <summary>The flag bits that keep an entity out of inference (bad data) and out of training (bad data, or outside
    /// the training window).</summary>
    private const int InferenceExclude = (int)Components.TickOutcome.LeftOut | DeviceSettingsLayout.FlagDeferred;
    private const int TrainingExclude = InferenceExclude | DeviceSettingsLayout.FlagResting;

    private int _pending;

    /// <summary>Whether consecutive stages in default order are fused into one launch (the device's setting,
    /// <see cref="OpenClDevice.FuseStages"/>).</summary>
    public bool Fuse => _device.FuseStages;

    /// <summary>Enqueues <paramref name="stage"/>'s kernel over this archetype's entities, or (with
    /// <see cref="Fuse"/>) adds it to the pending fused launch. Does nothing for stages that do not apply.</summary>
    public void Launch(OpenClStageKind stage)
    {
        if (Count == 0 || (!Trainable && stage != OpenClStageKind.Forward)
            || (stage is OpenClStageKind.AdamStep or OpenClStageKind.AdamWStep && !HasAdam))
        {
            return;
        }

        int bit = 1 << (int)stage;
        if (_pending >= bit)
        {
            Flush(); // a repeat or a stage out of the default order: what came before goes first
        }

        _pending |= bit;
        if (!Fuse)
        {
            Flush();
        }
    }

    /// <summary>Enqueues the pending stages now: one stage through its own kernel, several through the fused one.</summary>
    public void Flush()
    {
        int stages = _pending;
        if (stages == 0)
        {
            return;
        }

        _pending = 0;
        if (UsesGpuKernel)
        {
            LaunchFused(stages); // gpu_tick runs any default-order subset, a single stage included
        }
        else if ((stages & (stages - 1)) == 0)
        {
            TakeSnapshot();
            LaunchStage((OpenClStageKind)System.Numerics.BitOperations.Log2((uint)stages));
        }
        else
        {
            LaunchFused(stages);
        }
    }

    private void LaunchStage(OpenClStageKind stage)
    {
        OpenClApi api = Api;
        int p = Spec.Layout.ParameterCount;
        nint kernel = _device.Kernel(KernelSource.KernelNames[(int)stage]);
        uint a = 0;
        api.Arg(kernel, a++, Count);
        api.Arg(kernel, a++, Tile);
        switch (stage)
        {
            case OpenClStageKind.ZeroGrad:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                break;
            case OpenClStageKind.Forward:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Spec.Activations.ElementCount);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a++, Buffer(Spec.Outputs));
                break;
            case OpenClStageKind.MseLoss:
                api.Arg(kernel, a++, Spec.Outputs.ElementCount);
                api.Arg(kernel, a++, Buffer(Spec.Outputs));
                api.Arg(kernel, a++, Buffer(Spec.Targets));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.LossElements));
                api.Arg(kernel, a++, Loss);
                api.Arg(kernel, a++, SettingsI);
                break;
            case OpenClStageKind.Backward:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Spec.Activations.ElementCount);
                api.Arg(kernel, a++, Spec.Layout.MaxWidth);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, Scratch);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                break;
            case OpenClStageKind.Guard:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, SettingsF);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                break;
            default:
                // Every optimizer unit's kernel: (n, S, P, params, grads, state, hasState, sf, si, st, flags, exclude).
                bool sgd = stage == OpenClStageKind.SgdStep;
                nint state = sgd ? (HasMomentum ? Buffer(Spec.Momentum) : 0) : Buffer(Spec.AdamMoments);
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, state != 0 ? state : Buffer(Spec.Parameters));
                api.Arg(kernel, a++, state != 0 ? 1 : 0);
                api.Arg(kernel, a++, SettingsF);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                break;
        }

        api.Arg(kernel, a++, Flags);
        api.Arg(kernel, a, stage == OpenClStageKind.Forward ? InferenceExclude : TrainingExclude);
        Enqueue(kernel, (int)stage, VectorWidth);
    }

    private void LaunchFused(int stages)
    {
        // Taking the snapshot: the tick-start state stays where it is and becomes the snapshot; the kernel copies it
        // into the other buffers, now live, and changes only those. Swapped back if the launch does not go out.
        bool carry = _snapshotPending;
        if (carry)
        {
            SwapState();
        }

        try
        {
            SetFusedArgs(stages, carry);
        }
        catch (OpenClException)
        {
            if (carry)
            {
                SwapState();
            }

            throw;
        }

        _snapshotPending = false;
    }

    private void SetFusedArgs(int stages, bool carry)
    {
        OpenClApi api = Api;
        nint kernel = _device.Kernel(UsesGpuKernel ? KernelSource.GpuTick : KernelSource.Fused);
        nint parameters = Buffer(Spec.Parameters);
        uint a = 0;
        api.Arg(kernel, a++, Count);
        api.Arg(kernel, a++, Tile);
        api.Arg(kernel, a++, carry ? stages | SnapshotBit : stages);
        api.Arg(kernel, a++, Spec.Layout.LayerCount);
        api.Arg(kernel, a++, Widths);
        api.Arg(kernel, a++, Spec.Batch);
        api.Arg(kernel, a++, (int)Spec.Layout.HiddenActivation);
        api.Arg(kernel, a++, Spec.Layout.ParameterCount);
        api.Arg(kernel, a++, Spec.Outputs.ElementCount);
        api.Arg(kernel, a++, Spec.Layout.MaxWidth);
        api.Arg(kernel, a++, Spec.Activations.ElementCount);
        api.Arg(kernel, a++, parameters);
        api.Arg(kernel, a++, Buffer(Spec.Inputs));
        api.Arg(kernel, a++, Buffer(Spec.Activations));
        api.Arg(kernel, a++, Buffer(Spec.Outputs));
        // The training buffers exist only on trainable archetypes; otherwise only Forward is ever pending and the
        // parameters stand in for the arguments it does not read.
        api.Arg(kernel, a++, Trainable ? Buffer(Spec.Targets) : parameters);
        api.Arg(kernel, a++, Trainable ? Buffer(Spec.OutputGradient) : parameters);
        api.Arg(kernel, a++, Trainable ? Buffer(Spec.LossElements) : parameters);
        api.Arg(kernel, a++, Trainable ? Loss : parameters);
        api.Arg(kernel, a++, Trainable ? Buffer(Spec.Gradients) : parameters);
        api.Arg(kernel, a++, Trainable ? Scratch : parameters);
        api.Arg(kernel, a++, HasMomentum ? Buffer(Spec.Momentum) : parameters);
        api.Arg(kernel, a++, HasMomentum ? 1 : 0);
        api.Arg(kernel, a++, HasAdam ? Buffer(Spec.AdamMoments) : parameters);
        api.Arg(kernel, a++, HasAdam ? 1 : 0);
        OptimizerArgs(kernel, ref a);
        a++;
        api.Arg(kernel, a++, Flags);
        api.Arg(kernel, a++, Column(Spec.Parameters).Snapshot);
        api.Arg(kernel, a++, Trainable ? Column(Spec.Gradients).Snapshot : parameters);
        api.Arg(kernel, a++, HasMomentum ? Column(Spec.Momentum).Snapshot : parameters);
        api.Arg(kernel, a++, HasAdam ? Column(Spec.AdamMoments).Snapshot : parameters);
        api.Arg(kernel, a++, Trainable ? StateSnapshot : Widths);
        if (GpuPlan is { Fits: true } plan)
        {
            api.Arg(kernel, a++, Trainable ? 1 : 0);
            api.Arg(kernel, a++, plan.Lanes);
            api.Arg(kernel, a++, plan.FloatsPerEntity);
            api.LocalArg(kernel, a++, plan.CacheBytes);
            api.LocalArg(kernel, a++, plan.ReductionBytes);
            api.LocalArg(kernel, a++, plan.StateBytes);
            api.LocalArg(kernel, a, plan.ControlBytes);
            int groups = (Count + plan.EntitiesPerGroup - 1) / plan.EntitiesPerGroup;
            _device.Profiler.Add(DeviceProfiler.GpuSlot, Api.Launch(_device.Queue, kernel, groups * plan.GroupSize, plan.GroupSize));
            return;
        }

        Enqueue(kernel, DeviceProfiler.FusedSlot, VectorWidth);
    }

    /// <summary>Enqueues a game's stage body over this archetype's entities (after what is pending, and the snapshot if
    /// none was taken yet), binding the sizes and then each declared argument in order (<see cref="CustomStageKernel"/>).
    /// Does nothing on an archetype that lacks a buffer the body takes (an inference-only one, for training data).</summary>
    public void LaunchCustom(nint kernel, Training.DeviceBody body)
    {
        if (Count == 0)
        {
            return;
        }

        foreach (Training.DeviceArgument argument in body.Arguments)
        {
            if (!Trainable && CustomStageKernel.TrainingOnly(argument))
            {
                return;
            }
        }

        Flush();
        TakeSnapshot();
        OpenClApi api = Api;
        uint a = 0;
        api.Arg(kernel, a++, Count);
        api.Arg(kernel, a++, Tile);
        api.Arg(kernel, a++, Spec.Layout.ParameterCount);
        api.Arg(kernel, a++, Spec.Layout.LayerCount);
        api.Arg(kernel, a++, Widths);
        api.Arg(kernel, a++, Spec.Batch);
        api.Arg(kernel, a++, (int)Spec.Layout.HiddenActivation);
        api.Arg(kernel, a++, Spec.Outputs.ElementCount);
        foreach (Training.DeviceArgument argument in body.Arguments)
        {
            if (CustomStageKernel.IsBuffer(argument))
            {
                api.Arg(kernel, a++, BufferOf(argument));
            }
        }

        api.Arg(kernel, a++, Flags);
        api.Arg(kernel, a, body.Inference ? InferenceExclude : TrainingExclude);
        Enqueue(kernel, DeviceProfiler.CustomSlot, VectorWidth);
    }

    private nint BufferOf(Training.DeviceArgument argument) => argument switch
    {
        Training.DeviceArgument.Parameters => Buffer(Spec.Parameters),
        Training.DeviceArgument.Gradients => Buffer(Spec.Gradients),
        Training.DeviceArgument.Inputs => Buffer(Spec.Inputs),
        Training.DeviceArgument.Targets => Buffer(Spec.Targets),
        Training.DeviceArgument.Outputs => Buffer(Spec.Outputs),
        Training.DeviceArgument.OutputGradient => Buffer(Spec.OutputGradient),
        Training.DeviceArgument.Loss => Loss,
        Training.DeviceArgument.SettingsF => SettingsF,
        Training.DeviceArgument.SettingsI => SettingsI,
        Training.DeviceArgument.State => State,
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "not a buffer"),
    };

    private void Enqueue(nint kernel, int slot, int entitiesPerItem) =>
        _device.Profiler.Add(slot, Api.Launch(_device.Queue, kernel, WorkGroupPlan.GlobalSize(Count, entitiesPerItem, LocalSize), LocalSize));

    private void OptimizerArgs(nint kernel, ref uint a)
    {
        Api.Arg(kernel, a++, Trainable ? SettingsF : Widths);
        Api.Arg(kernel, a++, Trainable ? SettingsI : Widths);
        Api.Arg(kernel, a, Trainable ? State : Widths);
    }

    private void LayoutArgs(nint kernel, ref uint a)
    {
        Api.Arg(kernel, a++, Spec.Layout.LayerCount);
        Api.Arg(kernel, a++, Widths);
        Api.Arg(kernel, a++, Spec.Batch);
        Api.Arg(kernel, a++, (int)Spec.Layout.HiddenActivation);
    }
}
