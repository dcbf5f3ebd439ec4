using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.OpenCl;

/// <summary>One kernel launch per stage over a range of this archetype's rows.</summary>
internal sealed partial class ArchetypeBuffers
{
    /// <summary>Sets the arguments of <paramref name="stage"/>'s kernel for this archetype and enqueues it over rows
    /// <c>[firstRow, firstRow + rows)</c> (one work-item per entity). Does nothing for stages that do not apply.</summary>
    public void Launch(OpenClStageKind stage, int firstRow, int rows)
    {
        if (rows <= 0 || (!Trainable && stage != OpenClStageKind.Forward))
        {
            return;
        }

        OpenClApi api = Api;
        int p = Spec.Layout.ParameterCount;
        nint kernel = _device.Kernel(KernelName(stage));
        uint a = 0;
        api.Arg(kernel, a++, Count);
        switch (stage)
        {
            case OpenClStageKind.ZeroGrad:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                api.Arg(kernel, a, Flags);
                break;
            case OpenClStageKind.Forward:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a++, Buffer(Spec.Outputs));
                api.Arg(kernel, a, Flags);
                break;
            case OpenClStageKind.MseLoss:
                api.Arg(kernel, a++, Spec.Outputs.ElementCount);
                api.Arg(kernel, a++, Buffer(Spec.Outputs));
                api.Arg(kernel, a++, Buffer(Spec.Targets));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.LossElements));
                api.Arg(kernel, a++, Loss);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a, Flags);
                break;
            case OpenClStageKind.Guard:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, SettingsF);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                api.Arg(kernel, a, Flags);
                break;
            default:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, Spec.Layout.MaxWidth);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, Scratch);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a++, State);
                api.Arg(kernel, a, Flags);
                break;
        }

        api.Launch(_device.Queue, kernel, firstRow, rows);
    }

    /// <summary>Enqueues <paramref name="optimizer"/>'s step kernel over rows <c>[firstRow, firstRow + rows)</c>: every
    /// optimizer kernel takes <c>(n, P, params, grads, state, hasState, sf, si, st)</c>, the state being the
    /// archetype's momentum or Adam moments buffer.</summary>
    public void LaunchOptimizer(OptimizerUnit optimizer, int firstRow, int rows)
    {
        if (rows <= 0 || !Trainable)
        {
            return;
        }

        nint state = HasAdam && optimizer.Kind != Components.OptimizerKind.Sgd ? Buffer(Spec.AdamMoments)
            : HasMomentum && optimizer.Kind == Components.OptimizerKind.Sgd ? Buffer(Spec.Momentum) : 0;
        OpenClApi api = Api;
        nint kernel = _device.Kernel(optimizer.KernelName);
        uint a = 0;
        api.Arg(kernel, a++, Count);
        api.Arg(kernel, a++, Spec.Layout.ParameterCount);
        api.Arg(kernel, a++, Buffer(Spec.Parameters));
        api.Arg(kernel, a++, Buffer(Spec.Gradients));
        api.Arg(kernel, a++, state != 0 ? state : Buffer(Spec.Parameters));
        api.Arg(kernel, a++, state != 0 ? 1 : 0);
        api.Arg(kernel, a++, SettingsF);
        api.Arg(kernel, a++, SettingsI);
        api.Arg(kernel, a++, State);
        api.Arg(kernel, a, Flags);
        api.Launch(_device.Queue, kernel, firstRow, rows);
    }

    private static string KernelName(OpenClStageKind stage) => stage switch
    {
        OpenClStageKind.ZeroGrad => KernelSource.ZeroGrad,
        OpenClStageKind.Forward => KernelSource.Forward,
        OpenClStageKind.MseLoss => KernelSource.MseLoss,
        OpenClStageKind.Guard => KernelSource.Guard,
        _ => KernelSource.Backward,
    };

    private void LayoutArgs(nint kernel, ref uint a)
    {
        Api.Arg(kernel, a++, Spec.Layout.LayerCount);
        Api.Arg(kernel, a++, Widths);
        Api.Arg(kernel, a++, Spec.Batch);
        Api.Arg(kernel, a++, (int)Spec.Layout.HiddenActivation);
        Api.Arg(kernel, a++, Spec.Layout.ParameterCount);
        Api.Arg(kernel, a++, Spec.Activations.ElementCount);
    }
}
