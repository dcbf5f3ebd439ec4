using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>
/// Backend-neutral test plumbing (as ILGPU's tests run one test class per accelerator): a behaviour test is written
/// once as a theory over <see cref="All"/> and builds its pipeline with <see cref="Pipeline"/>. On OpenCL it skips with
/// the reason where no device exists, and fails instead when EMBEDDEDLEARN_REQUIRE_OPENCL=1.
/// </summary>
internal static class OnBackend
{
    /// <summary>Every backend, as theory data.</summary>
    public static TheoryData<TestBackend> All => new() { TestBackend.Cpu, TestBackend.OpenCl, TestBackend.OpenClGpuKernels };

    /// <summary>A pipeline of <paramref name="stages"/> on <paramref name="backend"/>.</summary>
    public static TrainingPipeline Pipeline(TestBackend backend, IEnumerable<IPipelineStage> stages, PipelineOptions? options = null) =>
        backend == TestBackend.Cpu ? new TrainingPipeline(stages, options) : new TrainingPipeline(stages, options, Executor(backend));

    /// <summary>An executor for <paramref name="backend"/> that several pipelines can share in turn
    /// (<c>ownsExecutor: false</c>; an OpenCL device compiles its kernels once).</summary>
    public static TickExecutor Executor(TestBackend backend, int threads = 2)
    {
        if (backend == TestBackend.Cpu)
        {
            return new CpuExecutor(threads);
        }

        return OpenClTestDevice.CreateBackend(Selection(backend));
    }

    /// <summary>The OpenCL selection of <paramref name="backend"/> (an OpenCL one): the device's own kernel family, or
    /// the GPU family forced.</summary>
    public static OpenClSelection Selection(TestBackend backend) => backend == TestBackend.OpenClGpuKernels
        ? OpenClTestDevice.Selection with { Kernels = OpenClKernelFamily.Gpu }
        : OpenClTestDevice.Selection;

    /// <summary>Asserts <paramref name="actual"/> within the cross-backend tolerance of <paramref name="expected"/>:
    /// relative 1e-4 with an absolute floor of 1e-6, element by element.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = Math.Max(1e-4 * Math.Abs(expected[i]), 1e-6);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                "element " + i + ": expected " + expected[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                + ", got " + actual[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Asserts two backends' counters of one model agree: every field exactly, except the gradient norm (a float
    /// reduction) within the cross-backend tolerance.</summary>
    public static void AssertSameCounters(TrainingState expected, TrainingState actual, string when)
    {
        double normError = EmbeddedLearn.Training.Parity.ParityRunner.RelativeError(actual.GradientNorm, expected.GradientNorm);
        Assert.True(normError <= EmbeddedLearn.Training.Parity.ParityRunner.RelativeTolerance, $"{when}: gradient norm differs ({normError:E2})");
        Assert.Equal(expected with { GradientNorm = 0f }, actual with { GradientNorm = 0f });
    }

    /// <summary>The default pipeline on <paramref name="backend"/>.</summary>
    public static TrainingPipeline Default(TestBackend backend, PipelineOptions? options = null) =>
        Pipeline(backend, TrainingPipeline.DefaultStages(), options);

    /// <summary>Every byte of every component of <paramref name="entities"/>, after bringing a device's state home.</summary>
    public static byte[] Snapshot(World world, IEnumerable<Entity> entities)
    {
        HostResidency.BeforeHostRead(world);
        var bytes = new List<byte>();
        foreach (Entity entity in entities)
        {
            foreach (ComponentType type in world.GetComponentTypes(entity))
            {
                bytes.AddRange(ComponentBytes.Of(world, entity, type));
            }
        }

        return [.. bytes];
    }
}
