namespace EmbeddedLearn.OpenCl;

/// <summary>One kernel launch per stage over all of this archetype's entities.</summary>
internal sealed partial class ArchetypeBuffers
{
    /// <summary>Sets the arguments of <paramref name="stage"/>'s kernel for this archetype and enqueues it over
    /// <see cref="Count"/> work-items (one per entity). Does nothing for stages that do not apply.</summary>
    public void Launch(OpenClStageKind stage)
    {
        if (Count == 0 || (!Trainable && stage != OpenClStageKind.Forward) || (stage == OpenClStageKind.AdamStep && !HasAdam))
        {
            return;
        }

        OpenClApi api = Api;
        int p = Spec.Layout.ParameterCount;
        nint kernel = _device.Kernel(KernelSource.KernelNames[(int)stage]);
        uint a = 0;
        api.Arg(kernel, a++, Count);
        switch (stage)
        {
            case OpenClStageKind.ZeroGrad:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a, State);
                break;
            case OpenClStageKind.Forward:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a, Buffer(Spec.Outputs));
                break;
            case OpenClStageKind.MseLoss:
                api.Arg(kernel, a++, Spec.Outputs.ElementCount);
                api.Arg(kernel, a++, Buffer(Spec.Outputs));
                api.Arg(kernel, a++, Buffer(Spec.Targets));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.LossElements));
                api.Arg(kernel, a++, Loss);
                api.Arg(kernel, a, SettingsI);
                break;
            case OpenClStageKind.Backward:
                LayoutArgs(kernel, ref a);
                api.Arg(kernel, a++, Spec.Layout.MaxWidth);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Inputs));
                api.Arg(kernel, a++, Buffer(Spec.Activations));
                api.Arg(kernel, a++, Buffer(Spec.OutputGradient));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, Scratch);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a, State);
                break;
            case OpenClStageKind.SgdStep:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, HasMomentum ? Buffer(Spec.Momentum) : Buffer(Spec.Parameters));
                api.Arg(kernel, a++, HasMomentum ? 1 : 0);
                api.Arg(kernel, a++, SettingsF);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a, State);
                break;
            default:
                api.Arg(kernel, a++, p);
                api.Arg(kernel, a++, Buffer(Spec.Parameters));
                api.Arg(kernel, a++, Buffer(Spec.Gradients));
                api.Arg(kernel, a++, Buffer(Spec.AdamMoments));
                api.Arg(kernel, a++, SettingsF);
                api.Arg(kernel, a++, SettingsI);
                api.Arg(kernel, a, State);
                break;
        }

        api.Launch(_device.Queue, kernel, Count);
    }

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
