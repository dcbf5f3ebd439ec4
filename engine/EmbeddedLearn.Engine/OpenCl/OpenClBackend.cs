using EmbeddedLearn.Backends;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The OpenCL executor: runs a <see cref="TrainingPipeline"/>'s built-in block stages on an OpenCL device, one kernel
/// launch per stage per model archetype (over the training budget's window of rows for training stages), and its
/// game systems on the host. Parameters, gradients, optimizer state, settings and training counters stay resident
/// on the device; per tick only inputs and targets go up and outputs, losses and element losses come down (the
/// whole tick is enqueued, then one wait, unless a game system in between needs the host copy). A game system's
/// declared reads of resident data are synchronised to the host before it runs, and its declared writes go back
/// to the device after it. The host components of the resident state are refreshed by <see cref="SynchronizeToHost"/>;
/// host edits to them reach the device after <see cref="UploadFromHost"/>. Structural changes (spawn, despawn, new
/// archetypes) are detected through <see cref="World.StructureVersion"/>: the device state is written back to the
/// entities it belongs to, then everything is uploaded again. A backend serves one world at a time.
/// A custom block stage (<see cref="StageKind.Custom"/>) runs on the device when it supplies
/// <see cref="IBlockStage.Device"/> (its OpenCL C body, built when the pipeline is made); without one the pipeline
/// refuses it, naming it.
/// </summary>
/// <example>
/// <code>
/// var backend = OpenClBackend.Create(new OpenClSelection { AllowCpuDevice = true });
/// using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), options: null, executor: backend);
/// pipeline.Run(world);               // one tick on the device
/// backend.SynchronizeToHost(world);  // parameters, gradients, optimizer state, counters back in the components
/// </code>
/// </example>
public sealed partial class OpenClBackend : TickExecutor, IHostSynchronizer
{
    private readonly OpenClDevice _device;
    private readonly List<ArchetypeBuffers> _archetypes = [];

    /// <summary>The threads the tick's host copies (gathering samples, scattering results) are spread over: the
    /// pipeline's <see cref="PipelineOptions.Threads"/>.</summary>
    private WorkerPool _hostPool = new(1);
    private World? _world;
    private long _uploadedVersion = long.MinValue;
    private bool _hostDirty;
    private bool _hostCurrent;
    private bool _disposed;

    private OpenClBackend(OpenClDevice device)
    {
        _device = device;
    }

    /// <summary>The device in use and its capabilities.</summary>
    public OpenClProbeResult Device => _device.Info;

    /// <inheritdoc/>
    public override BackendKind Backend => BackendKind.OpenCl;

    /// <summary>The kernel family this backend runs (<see cref="OpenClKernelFamily"/>): chosen by device kind, or forced
    /// by <see cref="OpenClSelection.Kernels"/> or <c>EMBEDDEDLEARN_OPENCL_KERNELS</c>.</summary>
    public OpenClKernelFamily Kernels => _device.Family;

    /// <inheritdoc/>
    public override string Description => _device.Info + ", kernels: " + OpenClSelection.KernelsName(Kernels);

    /// <inheritdoc/>
    internal override int Parallelism => 1;

    /// <inheritdoc/>
    internal override WorkerPool? HostPool => _hostPool;

    /// <inheritdoc/>
    internal override bool ChecksSamples => true;

    /// <inheritdoc/>
    internal override bool ResetsOutcomes => true;

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

    /// <summary>Writes the device's parameters, gradients, optimizer state, activations, output gradients and
    /// training counters into <paramref name="world"/>'s components (waits for the device first). From another thread
    /// than the one running ticks, it waits for the tick in flight (<see cref="World.EnterBetweenTicks"/>).</summary>
    /// <exception cref="OpenClException">A read failed; no component was changed.</exception>
    /// <exception cref="TimeoutException">A tick on another thread did not end within <see cref="World.TickWaitLimit"/>.</exception>
    public void SynchronizeToHost(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using WorldLock between = world.EnterBetweenTicks("OpenClBackend.SynchronizeToHost", World.TickWaitLimit);
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
        using WorldLock change = world.BeginChange("OpenClBackend.UploadFromHost");
        if (ReferenceEquals(world, _world))
        {
            _hostDirty = true;
        }
    }

    /// <summary>Brings the device state home (when the world is still alive), then releases the device buffers and
    /// the OpenCL objects, so that nothing trained on the device is lost by disposing.</summary>
    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing && _world is not null && !_world.IsDisposed)
        {
            try
            {
                // Home and unregistered under the world's gate: a save or read on another thread sees either this
                // backend holding the state or the world holding it, never a backend half disposed.
                using WorldLock between = _world.EnterBetweenTicks("OpenClBackend.Dispose", World.TickWaitLimit);
                SynchronizeToHost(_world);
                HostResidency.Unregister(_world, this);
                _disposed = true;
            }
            catch (Exception ex) when (ex is OpenClException or ObjectDisposedException or TimeoutException)
            {
                // The device failed, the world is gone, or another pipeline's tick holds it: nothing can be brought home.
                HostResidency.Unregister(_world, this);
            }
        }

        _disposed = true;
        ReleaseBuffers();
        _device.Dispose();
        _hostPool.Dispose();
    }

    /// <inheritdoc/>
    internal override void UseThreads(int threads)
    {
        if (threads != _hostPool.ThreadCount)
        {
            _hostPool.Dispose();
            _hostPool = new WorkerPool(threads);
        }
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
