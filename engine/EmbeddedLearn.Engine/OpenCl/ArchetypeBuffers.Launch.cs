using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

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

    private int _pending;

    /// <summary>Whether consecutive stages in default order are fused into one launch (the device's setting,
    /// <see cref="OpenClDevice.FuseStages"/>).</summary>
    public bool Fuse => _device.FuseStages;

    /// <summary>Enqueues engine stage <paramref name="index"/>'s kernel (its position in <see cref="DeviceStages"/>) over
    /// this archetype's entities, or (with <see cref="Fuse"/>) adds it to the pending fused launch. Does nothing for a
    /// stage that does not apply (a training stage on an archetype that only infers, an Adam step without moments).</summary>
    public void Launch(int index)
    {
        if (!Applies(DeviceStages.All[index].Body))
        {
            return;
        }

        if (ExtraCount > 0 && ReferenceEquals(DeviceStages.All[index].Body, Training.Stages.GuardStage.Body))
        {
            // The guard of entities with extra parameters (a PPO brain's log-std) counts and clips their gradients too:
            // a launch of its own, after what is pending.
            Flush();
            LaunchBody(_device.CustomKernel(DeviceStages.All[index].Name, Training.Stages.GuardStage.ExtraBody),
                Training.Stages.GuardStage.ExtraBody, index);
            return;
        }

        int bit = 1 << index;
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
            int index = System.Numerics.BitOperations.Log2((uint)stages);
            LaunchBody(_device.Kernel(DeviceStages.KernelName(index)), DeviceStages.All[index].Body, index);
        }
        else
        {
            LaunchFused(stages);
        }
    }

    private void LaunchFused(int stages)
    {
        // Taking the snapshot: the tick-start state stays where it is and becomes the snapshot; the kernel copies it
        // into the other buffers, now live, and changes only those. Swapped back if the launch does not go out.
        bool carry = _snapshotPending;
        if (carry)
        {
            CopyUncarriedState();
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

    /// <summary>Enqueues a game's stage body over this archetype's entities (after what is pending); does nothing on an
    /// archetype that lacks a buffer the body takes (an inference-only one, for training data).</summary>
    public void LaunchCustom(nint kernel, Training.DeviceBody body)
    {
        if (!Applies(body))
        {
            return;
        }

        Flush();
        LaunchBody(kernel, body, DeviceProfiler.CustomSlot);
    }

    /// <summary>Whether <paramref name="body"/> runs on this archetype: it has entities, trains unless the body is an
    /// inference one, and has every buffer the body takes (training data exists where the archetype trains, an Adam
    /// step's moments with Adam, an agent's buffers on Q-learning agents), except those a size tells the body are
    /// missing (<see cref="DeviceKernelSource.StandsIn"/>: the momentum, a shared model brain's buffers).</summary>
    private bool Applies(Training.DeviceBody body)
    {
        if (Count == 0 || (!Trainable && !body.Inference))
        {
            return false;
        }

        IReadOnlyList<Training.DeviceArgument> arguments = body.Arguments;
        for (int i = 0; i < arguments.Count; i++) // indexed: a foreach over the interface would allocate every tick
        {
            Training.DeviceArgument argument = arguments[i];
            if (DeviceKernelSource.IsBuffer(argument) && !DeviceKernelSource.StandsIn(argument) && BufferOrZero(argument) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Enqueues <paramref name="kernel"/>, generated around <paramref name="body"/>
    /// (<see cref="DeviceKernelSource.Kernel"/>), taking the snapshot first if none was taken yet, binding the sizes,
    /// then each declared buffer in order, then the flags and the exclusion mask.</summary>
    private void LaunchBody(nint kernel, Training.DeviceBody body, int slot)
    {
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
        api.Arg(kernel, a++, Spec.Layout.MaxWidth);
        api.Arg(kernel, a++, Spec.Activations.ElementCount);
        api.Arg(kernel, a++, HasMomentum ? 1 : 0);
        api.Arg(kernel, a++, Agent?.Capacity ?? 0);
        api.Arg(kernel, a++, AgentScratchFloats);
        api.Arg(kernel, a++, Shared?.Capacity ?? 0);
        api.Arg(kernel, a++, ExtraCount);
        api.Arg(kernel, a++, Ppo?.Capacity ?? 0);
        api.Arg(kernel, a++, Ppo?.Horizon ?? 0);
        api.Arg(kernel, a++, Ppo?.ActionWidth ?? 0);
        api.Arg(kernel, a++, Ppo?.LogStd is null ? 0 : 1);
        IReadOnlyList<Training.DeviceArgument> arguments = body.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            // Each buffer once, at its first mention, as DeviceKernelSource declares them; the flags come last.
            Training.DeviceArgument argument = arguments[i];
            if (argument != Training.DeviceArgument.Flags && DeviceKernelSource.IsBuffer(argument) && FirstMention(arguments, i))
            {
                api.Arg(kernel, a++, BufferOf(argument));
            }
        }

        api.Arg(kernel, a++, Flags);
        api.Arg(kernel, a, body.Inference ? DeviceSettingsLayout.InferenceExclude : DeviceSettingsLayout.TrainingExclude);
        Enqueue(kernel, slot, VectorWidth);
    }

    private static bool FirstMention(IReadOnlyList<Training.DeviceArgument> arguments, int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (arguments[i] == arguments[index])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The buffer bound for <paramref name="argument"/>: this archetype's, or, where it has none and a size tells
    /// the body so (<see cref="DeviceKernelSource.StandsIn"/>), the parameters as a stand-in.</summary>
    private nint BufferOf(Training.DeviceArgument argument)
    {
        nint buffer = BufferOrZero(argument);
        return buffer == 0 && DeviceKernelSource.StandsIn(argument) ? Buffer(Spec.Parameters) : buffer;
    }

    /// <summary>This archetype's buffer for <paramref name="argument"/>, or 0 when it has none.</summary>
    private nint BufferOrZero(Training.DeviceArgument argument) => argument switch
    {
        Training.DeviceArgument.Parameters => ModelBuffer(Spec.Parameters),
        Training.DeviceArgument.Gradients => ModelBuffer(Spec.Gradients),
        Training.DeviceArgument.Inputs => ModelBuffer(Spec.Inputs),
        Training.DeviceArgument.Targets => ModelBuffer(Spec.Targets),
        Training.DeviceArgument.Outputs => ModelBuffer(Spec.Outputs),
        Training.DeviceArgument.OutputGradient => ModelBuffer(Spec.OutputGradient),
        Training.DeviceArgument.LossElements => ModelBuffer(Spec.LossElements),
        Training.DeviceArgument.Activations => ModelBuffer(Spec.Activations),
        Training.DeviceArgument.Momentum => ModelBuffer(Spec.Momentum),
        Training.DeviceArgument.AdamMoments => ModelBuffer(Spec.AdamMoments),
        Training.DeviceArgument.Loss => Loss,
        Training.DeviceArgument.Scratch => Scratch,
        Training.DeviceArgument.SettingsF => SettingsF,
        Training.DeviceArgument.SettingsI => SettingsI,
        Training.DeviceArgument.State => State,
        Training.DeviceArgument.Flags => Flags,
        Training.DeviceArgument.AgentScratch => AgentScratch,
        Training.DeviceArgument.ExtraGradients => ExtraGradient is ComponentType extra ? ModelBuffer(extra) : 0,
        _ when DeviceKernelSource.IsBuffer(argument) => ExtensionBuffer(argument),
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "not a buffer"),
    };

    private nint ModelBuffer(ComponentType type) => TryColumn(type)?.Buffer ?? 0;

    private void Enqueue(nint kernel, int slot, int entitiesPerItem) =>
        _device.Profiler.Add(slot, Api.Launch(_device.Queue, kernel, WorkGroupPlan.GlobalSize(Count, entitiesPerItem, LocalSize), LocalSize));

    private void OptimizerArgs(nint kernel, ref uint a)
    {
        Api.Arg(kernel, a++, Trainable ? SettingsF : Widths);
        Api.Arg(kernel, a++, Trainable ? SettingsI : Widths);
        Api.Arg(kernel, a, Trainable ? State : Widths);
    }
}
