using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The OpenCL backend: training stages that run on an OpenCL device, one kernel launch per stage per model
/// archetype. Parameters, gradients, optimizer state, settings and training counters stay resident on the device;
/// per tick only inputs and targets go up and outputs, losses and element losses come down (the whole tick is
/// enqueued, then one wait). The host components of the resident state are refreshed by
/// <see cref="SynchronizeToHost"/>; host edits to them reach the device after <see cref="UploadFromHost"/>.
/// Structural changes (spawn, despawn, new archetypes) are detected through <see cref="World.StructureVersion"/>:
/// the device state is written back to the entities it belongs to, then everything is uploaded again.
/// A backend serves one world at a time (a new world drops the old device copy).
/// </summary>
/// <example>
/// <code>
/// using var backend = OpenClBackend.Create(new OpenClSelection { AllowCpuDevice = true });
/// using var pipeline = new TrainingPipeline(backend.CreateStages(zeroGrad: true));
/// pipeline.Run(world);               // one tick on the device
/// backend.SynchronizeToHost(world);  // parameters, gradients, optimizer state, counters back in the components
/// </code>
/// </example>
public sealed partial class OpenClBackend : IDisposable, IHostSynchronizer
{
    private readonly OpenClDevice _device;
    private readonly List<ArchetypeBuffers> _archetypes = [];
    private World? _world;
    private long _uploadedVersion = long.MinValue;
    private bool _hostDirty;
    private bool _hostCurrent;
    private bool _checkInputs;
    private bool _checkTraining;
    private bool _disposed;

    private OpenClBackend(OpenClDevice device)
    {
        _device = device;
    }

    /// <summary>The device in use and its capabilities.</summary>
    public OpenClProbeResult Device => _device.Info;

    /// <summary>Creates a backend on the device <paramref name="selection"/> picks (default: a GPU or accelerator).</summary>
    /// <exception cref="OpenClException">No usable device; the message gives the probe's reason.</exception>
    public static OpenClBackend Create(OpenClSelection? selection = null) =>
        TryCreate(selection, out OpenClBackend? backend, out OpenClProbeResult probe)
            ? backend!
            : throw new OpenClException("The OpenCL backend is unavailable: " + probe.Reason);

    /// <summary>Creates a backend when a device is usable; never throws. <paramref name="probe"/> says what was
    /// found or why nothing was.</summary>
    public static bool TryCreate(OpenClSelection? selection, out OpenClBackend? backend, out OpenClProbeResult probe)
    {
        probe = OpenClDevice.TryCreate(selection ?? new OpenClSelection(), out OpenClDevice? device);
        backend = device is null ? null : new OpenClBackend(device);
        return backend is not null;
    }

    /// <summary>The device stages of a training tick, in order: <see cref="OpenClZeroGrad"/> (when
    /// <paramref name="zeroGrad"/>), <see cref="OpenClForward"/>, <see cref="OpenClMseLoss"/>,
    /// <see cref="OpenClBackward"/>, <see cref="OpenClSgdStep"/>, <see cref="OpenClAdamStep"/>, then
    /// <see cref="OpenClReadBack"/>, which waits for the tick and brings outputs and losses down. A custom list must
    /// end with a read-back stage.</summary>
    public List<IPipelineStage> CreateStages(bool zeroGrad = true)
    {
        _checkInputs = true;
        _checkTraining = true;
        List<IPipelineStage> stages = [];
        if (zeroGrad)
        {
            stages.Add(new OpenClZeroGrad(this));
        }

        stages.AddRange([new OpenClForward(this), new OpenClMseLoss(this), new OpenClBackward(this), new OpenClSgdStep(this),
            new OpenClAdamStep(this), new OpenClReadBack(this)]);
        return stages;
    }

    /// <summary>Inference only: <see cref="OpenClForward"/> and <see cref="OpenClReadBack"/>.</summary>
    public List<IPipelineStage> CreateInferenceStages()
    {
        _checkInputs = true;
        return [new OpenClForward(this), new OpenClReadBack(this)];
    }

    /// <summary>Writes the device's parameters, gradients, optimizer state, activations, output gradients and
    /// training counters into <paramref name="world"/>'s components (waits for the device first).</summary>
    /// <exception cref="OpenClException">A read failed; no component was changed.</exception>
    public void SynchronizeToHost(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(world, _world) || _hostDirty || _hostCurrent)
        {
            return;
        }

        _device.Api.Finish(_device.Queue);
        CommitAll(world, fromSnapshot: false);
        _hostCurrent = true;
    }

    /// <summary>Marks the host components as authoritative: the next tick uploads every component of every model
    /// archetype from <paramref name="world"/> (use after editing parameters or optimizer state on the host).</summary>
    public void UploadFromHost(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (ReferenceEquals(world, _world))
        {
            _hostDirty = true;
        }
    }

    /// <summary>Releases the device buffers and the OpenCL objects.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_world is not null)
        {
            HostResidency.Unregister(_world, this);
        }

        ReleaseBuffers();
        _device.Dispose();
    }

    private void CommitAll(World world, bool fromSnapshot)
    {
        var staged = new List<StagedState>(_archetypes.Count);
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            staged.Add(buffers.Stage(fromSnapshot));
        }

        foreach (StagedState state in staged)
        {
            state.Commit(world);
        }
    }

    private void ReleaseBuffers()
    {
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.Dispose();
        }

        _archetypes.Clear();
    }
}
