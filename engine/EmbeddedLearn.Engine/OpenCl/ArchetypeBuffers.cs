using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using EmbeddedLearn.Training.SharedModels;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device copy of one model archetype in the interleaved layout (element k of entity e at
/// <c>k * Tile + e</c> within its tile, see <see cref="InterleavedLayout"/>): a buffer per run-time sized component, settings
/// (<c>sf</c> 8 floats, <c>si</c> 8 ints per entity, see common.cl), training state (3 longs per entity), the loss,
/// backward scratch, the layer widths, snapshots of the training state taken at the start of every tick, and
/// entity-major transfer buffers for the per-tick samples and results. Host components stay entity-major: the
/// layout is converted on upload and download, so exports and checkpoints never see it.
/// </summary>
internal sealed unsafe partial class ArchetypeBuffers : IDisposable
{
    private readonly OpenClDevice _device;
    private readonly List<nint> _owned = [];
    private readonly List<DeviceColumn> _columns = [];
    private readonly HostStaging<float> _lossStaging;
    private bool _snapshotPending;
    private TrainingSettings[] _uploadedSettings = [];

    /// <summary>Per chunk, whether the last scatter found a row with an outcome from the device (see
    /// <see cref="CollectOutcomes"/>).</summary>
    private readonly bool[] _chunkEvents;

    /// <summary>Per chunk, whether the last gather found a sample that is not finite (of those <see cref="_sampleChecks"/>
    /// names).</summary>
    private readonly bool[] _chunkNonFinite;

    /// <summary>Per chunk, how many entities sit the tick out (see <see cref="SittingOut"/>).</summary>
    private readonly int[] _chunkSitting;

    /// <summary>The flag every row starts the tick with: <see cref="DeviceSettingsLayout.FlagDeferred"/> until
    /// <see cref="MarkServed"/>, or 0 when the plan serves every row.</summary>
    private int _unservedFlag = DeviceSettingsLayout.FlagDeferred;

    /// <summary>The samples the gather checks this tick (<see cref="BlockPlan.SampleChecks"/>).</summary>
    private ModelData _sampleChecks;

    /// <summary>Whether any entity's reduction is <see cref="LossReduction.None"/>: only then does the loss write element
    /// losses, so only then do they come back each tick.</summary>
    private bool _elementLosses;

    public ArchetypeBuffers(OpenClDevice device, Archetype archetype, ModelSpec spec)
    {
        _device = device;
        Archetype = archetype;
        Spec = spec;
        Count = archetype.EntityCount;
        LocalSize = WorkGroupPlan.LocalSize(device.Limits, Count);
        VectorWidth = device.Limits.VectorWidth;
        if (device.Family == OpenClKernelFamily.Gpu)
        {
            GpuPlan = GpuTilePlan.For(device.Limits, spec);
        }

        // The GPU family's layout is entity-major (a tile of one entity); the CPU family's is interleaved.
        Tile = device.Family == OpenClKernelFamily.Gpu ? 1
            : VectorWidth > 1 ? VectorWidth : InterleavedLayout.Stride(Count, WorkGroupPlan.StrideAlignment(device.Limits));
        Padded = InterleavedLayout.PaddedCount(Count, Tile);
        Trainable = spec.Trains(archetype); // quarantined entities only infer
        HasMomentum = Trainable && archetype.Has(spec.Momentum); // a quarantined entity's state stays on the host
        HasAdam = Trainable && archetype.Has(spec.AdamMoments);
        Rows = new Entity[Count];
        ZeroCopy = device.Limits.DeviceKind == OpenClDeviceKind.Cpu && device.Family == OpenClKernelFamily.Cpu;
        InPlace = ZeroCopy && archetype.MakeContiguous();
        _lossStaging = new HostStaging<float>(Trainable ? (ZeroCopy ? Padded : Count) : 0);
        Add(spec.Parameters, state: true, perTick: false);
        Add(spec.Inputs, state: false, perTick: true);
        Add(spec.Outputs, state: false, perTick: true);
        Add(spec.Activations, state: false, perTick: false);
        if (Trainable)
        {
            Add(spec.Gradients, state: true, perTick: false);
            Add(spec.Targets, state: false, perTick: true);
            Add(spec.OutputGradient, state: false, perTick: false);
            Add(spec.LossElements, state: false, perTick: true);
            if (HasMomentum)
            {
                Add(spec.Momentum, state: true, perTick: false);
            }

            if (HasAdam)
            {
                Add(spec.AdamMoments, state: true, perTick: false);
            }

            SettingsF = Allocate(Padded * (long)DeviceSettingsLayout.FloatCount * sizeof(float));
            SettingsI = Allocate(Padded * (long)DeviceSettingsLayout.IntCount * sizeof(int));
            State = Allocate(Padded * (long)DeviceSettingsLayout.StateCount * sizeof(long));
            StateSnapshot = Allocate(Padded * (long)DeviceSettingsLayout.StateCount * sizeof(long));
            Loss = Allocate(Padded * (long)sizeof(float), ZeroCopy ? _lossStaging : null);
            Scratch = Allocate(Padded * 2L * spec.Batch * spec.Layout.MaxWidth * sizeof(float));
        }

        Agent = QAgentSpec.Find(archetype);
        AddAgentColumns();
        Shared = SharedModelSpec.Find(archetype);
        AddSharedColumns();
        Ppo = PpoSpec.Find(archetype);
        ExtraGradient = ExtraParameters.GradientOf(archetype);
        AddPpoColumns();
        if (AgentScratchFloats > 0)
        {
            AgentScratch = Allocate(Padded * (long)AgentScratchFloats * sizeof(float));
        }

        Widths = Allocate(spec.Layout.Widths.Length * sizeof(int));
        HostFlags = new HostStaging<int>(Padded);
        Flags = ZeroCopy ? Own(Api.CreateBuffer(_device.Context, HostFlags.Bytes, HostFlags.Pointer)) : Allocate(HostFlags.Bytes);
        _chunkEvents = new bool[archetype.ChunkCount];
        _chunkNonFinite = new bool[archetype.ChunkCount];
        _chunkSitting = new int[archetype.ChunkCount];
    }

    public Archetype Archetype { get; }

    public ModelSpec Spec { get; }

    /// <summary>Entities at the last upload; the device buffers hold exactly these rows.</summary>
    public int Count { get; }

    /// <summary>The work-group size of this archetype's launches (<see cref="WorkGroupPlan"/>).</summary>
    public int LocalSize { get; }

    /// <summary>Entities per work-item of the stage kernels (<see cref="DeviceLimits.VectorWidth"/>).</summary>
    public int VectorWidth { get; }

    /// <summary>The tile of the device layout (<see cref="InterleavedLayout"/>): on a GPU every entity, padded to an
    /// odd multiple of <see cref="WorkGroupPlan.StrideAlignment"/> (element k of entity e at k * Tile + e); on a CPU
    /// device one work-item's <see cref="VectorWidth"/> entities.</summary>
    public int Tile { get; }

    /// <summary>The GPU family's tiling of this archetype, or null on the CPU family.</summary>
    public GpuTilePlan? GpuPlan { get; }

    /// <summary>Whether this archetype's stages run through <c>gpu_tick</c> (the GPU family, and the model's working
    /// set fits the device's local memory).</summary>
    public bool UsesGpuKernel => GpuPlan is { Fits: true };

    /// <summary>Whether samples and results move without a layout conversion (the device layout is entity-major).</summary>
    private bool EntityMajor => Tile == 1;

    /// <summary>Entities the device buffers hold: <see cref="Count"/> rounded up to whole tiles.</summary>
    public int Padded { get; }

    /// <summary>The entity of each device row, as of the last upload.</summary>
    public Entity[] Rows { get; }

    public bool Trainable { get; }

    public bool HasMomentum { get; }

    public bool HasAdam { get; }

    public nint SettingsF { get; }

    public nint SettingsI { get; }

    public nint State { get; private set; }

    public nint StateSnapshot { get; private set; }

    public nint Loss { get; }

    public nint Scratch { get; }

    public nint Widths { get; }

    /// <summary>The tick's outcome bits per entity (<see cref="Components.TickOutcome"/>, and
    /// <see cref="DeviceSettingsLayout.FlagResting"/> outside the training window), one int per entity in row order
    /// (the interleaved index of a one-element component is the row): up before the tick, down after it.</summary>
    public nint Flags { get; }

    /// <summary>The host copy of <see cref="Flags"/> (pinned: transfers run while the host goes on; with
    /// <see cref="ZeroCopy"/> the buffer's storage itself).</summary>
    public HostStaging<int> HostFlags { get; }

    /// <summary>Whether the per-tick buffers (samples, results, flags, losses) use their pinned host staging as storage
    /// (<c>CL_MEM_USE_HOST_PTR</c>), so that their transfers copy nothing: on a CPU device running the cpu kernel family.
    /// The gpu family forced on a CPU device keeps the copying transfers a GPU makes (so that tests on PoCL run both).</summary>
    public bool ZeroCopy { get; }

    /// <summary>Whether the samples go up from the components themselves, with no gather into staging: with
    /// <see cref="ZeroCopy"/>, once the archetype's columns are laid out back to back
    /// (<see cref="Archetype.MakeContiguous"/>), the transfer buffers' storage is the components' rows. A device that
    /// copies keeps the gather: into pinned staging on the worker threads, its transfers run at full speed, where a
    /// transfer from the chunks' pageable memory would go through the driver's own staging.</summary>
    public bool InPlace { get; }

    private OpenClApi Api => _device.Api;

    private nint Queue => _device.Queue;

    /// <summary>The device buffer of <paramref name="type"/>.</summary>
    public nint Buffer(ComponentType type) => Column(type).Buffer;

    /// <summary>Marks the training state to be kept as the tick-start snapshot before the first launch that changes
    /// it: by the fused kernel (the live and snapshot buffers swap roles and each work-item copies its entities'
    /// state across before changing it, see <see cref="LaunchFused"/>) or, before a single-stage launch, as
    /// device-side buffer copies. Until then the live buffers are the tick-start state.</summary>
    public void Snapshot()
    {
        Flush();
        _snapshotPending = true;
    }

    /// <summary>Takes a pending snapshot now, as device-side copies of whole buffers.</summary>
    private void TakeSnapshot()
    {
        if (!_snapshotPending)
        {
            return;
        }

        foreach (DeviceColumn column in _columns)
        {
            if (column.IsState)
            {
                Api.Copy(Queue, column.Buffer, column.Snapshot, Bytes(column.Type));
            }
        }

        if (Trainable)
        {
            Api.Copy(Queue, State, StateSnapshot, Padded * (long)DeviceSettingsLayout.StateCount * sizeof(long));
        }

        _snapshotPending = false;
    }

    /// <summary>Exchanges the live and snapshot buffers of every state column the fused kernel carries and of the
    /// counters.</summary>
    private void SwapState()
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.IsState && column.CarriedByFusedKernel)
            {
                column.Swap();
            }
        }

        (State, StateSnapshot) = (StateSnapshot, State);
    }

    /// <summary>Snapshots, as device-side copies, the state columns the fused kernel does not carry (before a fused
    /// launch that takes the snapshot).</summary>
    private void CopyUncarriedState()
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.IsState && !column.CarriedByFusedKernel)
            {
                Api.Copy(Queue, column.Buffer, column.Snapshot, Bytes(column.Type));
            }
        }
    }

    /// <summary>Drops any pending launch and releases every buffer.</summary>
    public void Dispose()
    {
        _pending = 0;
        foreach (nint buffer in _owned)
        {
            Api.Cl.ReleaseMemObject(buffer);
        }

        _owned.Clear();
    }

    private DeviceColumn Column(ComponentType type) =>
        TryColumn(type) ?? throw new InvalidOperationException("No device buffer for component " + type + ".");

    /// <summary>The device column of <paramref name="type"/>, or null when this archetype has none on the device.</summary>
    private DeviceColumn? TryColumn(ComponentType type)
    {
        // A loop, not LINQ: this runs several times per stage per tick and must not allocate.
        foreach (DeviceColumn column in _columns)
        {
            if (column.Type == type)
            {
                return column;
            }
        }

        return null;
    }

    private long Bytes(ComponentType type) => Padded * (long)type.ByteSize;

    private void Add(ComponentType type, bool state, bool perTick) => _columns.Add(NewColumn(type, state, perTick));

    /// <summary>Adds the column of a stage's own component, which bodies take as <paramref name="argument"/> and which
    /// moves as <paramref name="flow"/> says.</summary>
    private void AddExtension(DeviceArgument argument, ComponentType type, DeviceColumnFlow flow) =>
        _columns.Add(NewColumn(type, state: false, perTick: flow != DeviceColumnFlow.Resident, argument, flow));

    private DeviceColumn NewColumn(ComponentType type, bool state, bool perTick, DeviceArgument? argument = null,
        DeviceColumnFlow flow = DeviceColumnFlow.Resident)
    {
        // A per-tick column's staging holds what its transfer moves: the transfer buffer's rows, or, on the entity-major
        // layout, the whole buffer; with zero-copy transfers it is that buffer's storage. The samples of a contiguous
        // archetype need none: their transfer reads the component's rows (Padded is Count on the entity-major layout).
        bool inPlace = InPlace && (type == Spec.Inputs || type == Spec.Targets);
        void* rows = inPlace ? Archetype.ContiguousRows(type) : null;
        HostStaging<float> staging = perTick && !inPlace ? new HostStaging<float>((EntityMajor ? Padded : Count) * (type.ByteSize / sizeof(float))) : HostStaging<float>.Empty;
        void* shared = !perTick || !ZeroCopy ? null : inPlace ? rows : staging.Pointer;
        nint buffer = Allocate(Bytes(type), EntityMajor ? shared : null);
        return new DeviceColumn(type, buffer, state ? Allocate(Bytes(type)) : 0,
            perTick && !EntityMajor ? Allocate(Count * (long)type.ByteSize, shared) : 0)
        {
            Staging = staging,
            HostRows = (nint)(inPlace ? rows : staging.Pointer),
            InPlace = inPlace,
            Argument = argument,
            Flow = flow,
        };
    }

    /// <summary>A device buffer of <paramref name="bytes"/>, stored in <paramref name="host"/> when given.</summary>
    private nint Allocate(long bytes, HostStaging<float>? host = null) => Allocate(bytes, host is null ? null : host.Pointer);

    /// <summary>A device buffer of <paramref name="bytes"/>, stored at <paramref name="host"/> (pinned, page-aligned) when not
    /// null.</summary>
    private nint Allocate(long bytes, void* host) =>
        Own(host is null ? Api.CreateBuffer(_device.Context, bytes) : Api.CreateBuffer(_device.Context, bytes, host));

    private nint Own(nint buffer)
    {
        _owned.Add(buffer);
        return buffer;
    }
}
