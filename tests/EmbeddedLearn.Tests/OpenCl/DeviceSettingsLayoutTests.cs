using System.Text.RegularExpressions;
using EmbeddedLearn.Components;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Optimizers;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The settings reach the device through one description: the kernels use only offsets the generated header
/// defines, every stage's bit, kernel and time slot come from the stage itself, and packing puts each field where the
/// header says.</summary>
public sealed partial class DeviceSettingsLayoutTests
{
    [Fact]
    public void Every_settings_macro_the_kernels_use_is_defined_by_the_generated_header()
    {
        string header = DeviceSettingsLayout.Header();
        string kernels = KernelSource.Training[header.Length..];
        var defined = DefineName().Matches(header).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var used = MacroUse().Matches(kernels).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, defined));
        Assert.DoesNotContain("* 8 +", kernels, StringComparison.Ordinal); // no hand-mirrored packed offsets
    }

    [Fact]
    public void Every_optimizer_unit_has_its_device_body_and_generated_step_kernel_in_the_source()
    {
        foreach (OptimizerUnit unit in OptimizerUnits.All)
        {
            DeviceBody body = Assert.IsType<DeviceBody>(unit.Device);
            int index = DeviceStages.IndexOf(body);
            Assert.True(index >= 0, unit.Name + " is not among the program's stages");
            Assert.Equal(unit.Name + "Step", DeviceStages.All[index].Name);
            Assert.Contains("inline void " + body.Function + "(", KernelSource.Training, StringComparison.Ordinal);
            Assert.Contains("__kernel void " + body.KernelName + "(", KernelSource.Training, StringComparison.Ordinal);
            Assert.Contains(" " + body.Function + "(S, ", KernelSource.Training, StringComparison.Ordinal); // called by the fused kernel
            Assert.Contains("#define OPTIMIZER_" + unit.Kind.ToString().ToUpperInvariant() + " " + (int)unit.Kind + "\n", DeviceSettingsLayout.Header(),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_default_stage_has_its_bit_its_kernel_and_its_device_time_slot_derived_from_it()
    {
        List<IPipelineStage> stages = TrainingPipeline.DefaultStages();
        Assert.Equal(stages.Count, DeviceStages.Count);
        string header = DeviceSettingsLayout.Header();
        for (int i = 0; i < stages.Count; i++)
        {
            Assert.Equal(stages[i].Name, DeviceStages.All[i].Name);
            Assert.Contains("#define STAGE_" + stages[i].Name.ToUpperInvariant() + " " + (1 << i) + "\n", header, StringComparison.Ordinal);
            Assert.Equal(DeviceStages.KernelName(i), OpenClBackend.DeviceTimeSlots[i]);
            Assert.Contains("__kernel void " + DeviceStages.KernelName(i) + "(", KernelSource.Training, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Packing_puts_each_field_at_the_offset_the_header_defines()
    {
        TrainingSettings settings = TrainingSettings.AdamW(0.003f, 0.8f, 0.95f, 1e-6f, 0.25f, reduction: LossReduction.Sum, accumulationSteps: 3);
        float[] sf = new float[2 * DeviceSettingsLayout.FloatCount];
        int[] si = new int[2 * DeviceSettingsLayout.IntCount];
        DeviceSettingsLayout.Pack(settings, 1, sf, si);
        string header = DeviceSettingsLayout.Header();
        float F(string name) => sf[DeviceSettingsLayout.FloatCount + Offset(header, "SF_" + name)];
        int I(string name) => si[DeviceSettingsLayout.IntCount + Offset(header, "SI_" + name)];
        Assert.Equal(0.003f, F("LEARNING_RATE"));
        Assert.Equal(0.25f, F("WEIGHT_DECAY"));
        Assert.Equal(0.8f, F("BETA1"));
        Assert.Equal(0.95f, F("BETA2"));
        Assert.Equal(1e-6f, F("EPSILON"));
        Assert.Equal((int)OptimizerKind.AdamW, I("OPTIMIZER"));
        Assert.Equal((int)LossReduction.Sum, I("REDUCTION"));
        Assert.Equal(3, I("ACCUMULATION_STEPS"));
        Assert.All(sf.AsSpan(0, DeviceSettingsLayout.FloatCount).ToArray(), v => Assert.Equal(0f, v)); // entity 0 untouched
    }

    private static int Offset(string header, string name) =>
        int.Parse(Regex.Match(header, "#define " + name + " (\\d+)\n").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("#define (\\w+) ")]
    private static partial Regex DefineName();

    [GeneratedRegex("\\b(SF|SI|OPTIMIZER|REDUCTION)_[A-Z0-9_]+\\b")]
    private static partial Regex MacroUse();
}
