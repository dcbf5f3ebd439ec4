using EmbeddedLearn.Backends;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>A checkpoint saved on the OpenCL backend holds the device's state and loads on the CPU, and one saved on the
/// CPU loads into a world the OpenCL backend already serves (PoCL counts; skipped without an OpenCL device unless
/// EMBEDDEDLEARN_REQUIRE_OPENCL=1).</summary>
public sealed class CrossBackendCheckpointTests
{
    private static readonly PipelineOptions OneThread = new() { Threads = 1 };

    [Fact]
    public void Saved_on_opencl_without_an_explicit_sync_it_holds_the_device_state_and_resumes_on_the_cpu()
    {
        OpenClTestDevice.Require();
        using var folder = new TempFolder();
        using FallbackPipeline device = OpenClPipeline();
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(OneThread);
        using KeyedWorld onDevice = KeyedWorld.Create(18);
        using KeyedWorld reference = KeyedWorld.Create(18);
        byte[] initial = onDevice.State();
        for (int tick = 0; tick < 4; tick++)
        {
            onDevice.WriteSamples(tick);
            reference.WriteSamples(tick);
            device.Run(onDevice.World);
            cpu.Run(reference.World);
        }

        Assert.Equal(BackendKind.OpenCl, device.ActiveBackend);
        Checkpoint.Save(onDevice.World, folder.File("device.safetensors"));
        using var loadedWorld = new World();
        using KeyedWorld resumed = KeyedWorld.Adopt(loadedWorld, Checkpoint.Load(loadedWorld, folder.File("device.safetensors")));

        Assert.Equal(onDevice.State(), resumed.State()); // what the device had after 4 ticks, bit for bit
        Assert.NotEqual(initial, resumed.State());
        AssertClose(reference, resumed, "after loading");
        CheckpointRoundTripTests.Train(resumed, cpu, 4, 7);
        CheckpointRoundTripTests.Train(reference, cpu, 4, 7);
        AssertClose(reference, resumed, "after 3 more CPU ticks");
    }

    [Fact]
    public void Saved_on_the_cpu_it_loads_into_a_world_the_device_serves_and_the_device_trains_the_loaded_state()
    {
        OpenClTestDevice.Require();
        using var folder = new TempFolder();
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(OneThread);
        using (KeyedWorld saved = KeyedWorld.Create(12))
        {
            CheckpointRoundTripTests.Train(saved, cpu, 0, 3);
            Checkpoint.Save(saved.World, folder.File("cpu.safetensors"));
        }

        // A world already resident on the device, trained there, then the checkpoint is loaded into it.
        using FallbackPipeline device = OpenClPipeline();
        (World deviceWorld, Entity[] own) = SwarmWorld.Uniform(5);
        (World cpuOwnWorld, Entity[] cpuOwn) = SwarmWorld.Uniform(5);
        using (cpuOwnWorld)
        {
            for (int tick = 0; tick < 2; tick++)
            {
                SwarmWorld.WriteSamples(deviceWorld, own.Select(e => (SwarmWorld.Swarm, e)), tick);
                SwarmWorld.WriteSamples(cpuOwnWorld, cpuOwn.Select(e => (SwarmWorld.Swarm, e)), tick);
                device.Run(deviceWorld);
                cpu.Run(cpuOwnWorld);
            }

            using KeyedWorld loaded = KeyedWorld.Adopt(deviceWorld, Checkpoint.Load(deviceWorld, folder.File("cpu.safetensors")));
            using var referenceWorld = new World();
            using KeyedWorld reference = KeyedWorld.Adopt(referenceWorld, Checkpoint.Load(referenceWorld, folder.File("cpu.safetensors")));
            for (int tick = 3; tick < 6; tick++)
            {
                loaded.WriteSamples(tick);
                reference.WriteSamples(tick);
                SwarmWorld.WriteSamples(deviceWorld, own.Select(e => (SwarmWorld.Swarm, e)), tick);
                SwarmWorld.WriteSamples(cpuOwnWorld, cpuOwn.Select(e => (SwarmWorld.Swarm, e)), tick);
                device.Run(deviceWorld);
                cpu.Run(referenceWorld);
                cpu.Run(cpuOwnWorld);
            }

            Assert.Equal(BackendKind.OpenCl, device.ActiveBackend);
            AssertClose(reference, loaded, "loaded models after 3 device ticks");
            for (int i = 0; i < own.Length; i++)
            {
                AssertClose(SwarmWorld.Swarm, cpuOwnWorld, cpuOwn[i], deviceWorld, own[i], "the device world's own model " + i);
            }
        }
    }

    [Fact]
    public void Models_loaded_into_the_archetype_the_device_already_holds_train_there_from_their_loaded_state()
    {
        OpenClTestDevice.Require();
        using var folder = new TempFolder();
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(OneThread);
        (World source, Entity[] sourceModels) = SwarmWorld.Uniform(3);
        using (source)
        {
            SwarmWorld.WriteSamples(source, sourceModels.Select(e => (SwarmWorld.Swarm, e)), 0);
            cpu.Run(source);
            Checkpoint.Save(source, folder.File("swarm.safetensors"));
        }

        using FallbackPipeline device = OpenClPipeline();
        (World deviceWorld, Entity[] own) = SwarmWorld.Uniform(4);
        using var cpuWorld = new World();
        using (deviceWorld)
        {
            SwarmWorld.WriteSamples(deviceWorld, own.Select(e => (SwarmWorld.Swarm, e)), 0);
            device.Run(deviceWorld); // resident on the device before the load
            IReadOnlyList<Entity> loaded = Checkpoint.Load(deviceWorld, folder.File("swarm.safetensors")).Entities;
            IReadOnlyList<Entity> reference = Checkpoint.Load(cpuWorld, folder.File("swarm.safetensors")).Entities;
            Assert.Equal(deviceWorld.GetArchetype(own[0]), deviceWorld.GetArchetype(loaded[0]));
            for (int tick = 1; tick < 4; tick++)
            {
                for (int i = 0; i < loaded.Count; i++)
                {
                    float[] inputs = Enumerable.Range(0, SwarmWorld.Swarm.Inputs.ElementCount).Select(k => MathF.Sin((k * 0.3f) + tick + i)).ToArray();
                    float[] targets = Enumerable.Range(0, SwarmWorld.Swarm.Targets.ElementCount).Select(k => MathF.Cos(k + tick - i)).ToArray();
                    SwarmWorld.Swarm.WriteSamples(deviceWorld, loaded[i], inputs, targets);
                    SwarmWorld.Swarm.WriteSamples(cpuWorld, reference[i], inputs, targets);
                }

                SwarmWorld.WriteSamples(deviceWorld, own.Select(e => (SwarmWorld.Swarm, e)), tick);
                device.Run(deviceWorld);
                cpu.Run(cpuWorld);
            }

            for (int i = 0; i < loaded.Count; i++)
            {
                AssertClose(SwarmWorld.Swarm, cpuWorld, reference[i], deviceWorld, loaded[i], "loaded model " + i);
            }
        }
    }

    private static FallbackPipeline OpenClPipeline() =>
        TrainingBackends.CreatePipeline(BackendKind.OpenCl, zeroGrad: true, OneThread, out _, OpenClTestDevice.Selection);

    private static void AssertClose(KeyedWorld expected, KeyedWorld actual, string when)
    {
        Assert.Equal(expected.Models.Keys.Select(k => k.Value).Order(), actual.Models.Keys.Select(k => k.Value).Order());
        foreach ((ModelKey key, (ModelSpec spec, Entity entity)) in expected.Models)
        {
            AssertClose(spec, expected.World, entity, actual.World, actual.Models[key].Entity, when + ", key " + key.Value);
        }
    }

    private static void AssertClose(ModelSpec spec, World expectedWorld, Entity expected, World actualWorld, Entity actual, string when)
    {
        float[] e = new float[spec.Layout.ParameterCount], a = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(expectedWorld, expected, e);
        spec.ExportParameters(actualWorld, actual, a);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(ParityRunner.RelativeError(a[i], e[i]) <= ParityRunner.RelativeTolerance,
                $"{when}: parameter {i}: CPU {e[i]:R}, other {a[i]:R}");
        }

        if (actualWorld.Has<TrainingState>(actual))
        {
            Behaviour.OnBackend.AssertSameCounters(expectedWorld.Get<TrainingState>(expected), actualWorld.Get<TrainingState>(actual), when);
        }
    }
}
