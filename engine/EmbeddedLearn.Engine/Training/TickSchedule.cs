using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// Which model entities a tick serves (infers) and which of those it trains, for decision periods
/// (<see cref="DecisionPeriod"/>) and a whole-tick <see cref="PipelineOptions.TrainingBudget"/> on the CPU. Rows are
/// named by position: the model archetypes' rows in order.
/// <list type="bullet">
/// <item>The candidates are the rows due by their period (<c>tick mod Period == Phase</c>) and those deferred earlier.</item>
/// <item>The budget, from per-row costs measured with <see cref="PipelineOptions.Clock"/>, fits <c>S</c> served rows of
/// which <c>T</c> train.</item>
/// <item>Serving rotates: it starts where the last tick stopped, so deferred candidates come first.</item>
/// <item>Training goes to the served rows owed the most decisions served but not trained over the run (ties in rotation
/// order), which keeps the training counts of equally served entities within one of each other.</item>
/// </list>
/// Per-entity state is kept by entity id. Each row's period, phase and deferral are also kept by position: while no row
/// moved and no archetype's <see cref="DecisionPeriod"/> column was handed out for writing
/// (<see cref="Archetype.WriteVersion"/>), a tick reads those instead of the chunks. The scan compares eight rows at a
/// time and lists the candidates; serving walks that list, and choosing who trains walks the served rows.
/// </summary>
internal sealed partial class TickSchedule
{
    private const byte Trainable = 1;
    private const byte TrainsFlag = 2;

    /// <summary>Rows per worker served on the first budgeted tick, before any cost is measured.</summary>
    private const int FirstRowsPerWorker = 64;

    /// <summary>Chunks ahead whose columns the scan prefetches.</summary>
    private const int PrefetchAhead = 32;

    private readonly int[] _histogram = new int[256];
    private readonly ScheduleCosts _costs = new();
    private Entity[] _entities = new Entity[64];
    private byte[] _flags = new byte[64]; // by position, meaningful for this tick's served rows only: Trainable, TrainsFlag
    private int[] _archetypeEnds = new int[4]; // by model archetype: the position after its last row
    private bool[] _archetypeTrains = new bool[4]; // by model archetype: whether its rows train (ModelSpec.Trains)
    private bool[] _deferred = new bool[64]; // by entity id
    private byte[] _deferredAt = new byte[64]; // by position: 1 where the row's entity is deferred (valid as _period is)
    private int[] _owed = new int[64]; // decisions served minus decisions trained, by entity id
    private int[] _period = new int[64]; // by position: DecisionPeriod.Period as last read (1 without the component)
    private int[] _phase = new int[64]; // by position: DecisionPeriod.Phase as last read (0 without the component)
    private long[] _periodVersions = new long[4]; // by model archetype: its DecisionPeriod column's write version when read
    private bool _periodsKnown; // _period and _phase hold every row's values as of _periodVersions
    private int[] _candidates = new int[64]; // the candidate positions this tick, ascending
    private int[] _served = new int[64]; // the positions served this tick, ascending
    private int _total;
    private World? _scannedWorld;
    private long _scannedVersion;
    private int _inferCursor;
    private int _trainCursor;

    /// <summary>Rows served (inferred) this tick.</summary>
    public int Inferred { get; private set; }

    /// <summary>Trainable rows trained this tick.</summary>
    public int Trained { get; private set; }

    /// <summary>Candidate rows deferred to a later tick.</summary>
    public int Deferred { get; private set; }

    /// <summary>The measured per-row costs.</summary>
    public ScheduleCosts Costs => _costs;

    /// <summary>The positions served this tick, ascending.</summary>
    public ReadOnlySpan<int> ServedPositions => _served.AsSpan(0, Inferred);

    /// <summary>Whether the row at <paramref name="position"/>, one of <see cref="ServedPositions"/>, trains this tick.</summary>
    public bool Trains(int position) => (_flags[position] & TrainsFlag) != 0;

    /// <summary>Decides tick <paramref name="tick"/> (0-based) over <paramref name="models"/>.</summary>
    /// <exception cref="ModelDataException">An entity's <see cref="DecisionPeriod"/> has a period below 1 or a phase
    /// outside <c>[0, Period)</c> (nothing changed).</exception>
    public void Decide(List<(Archetype Archetype, ModelSpec Spec)> models, World world, long tick,
        TimeSpan? budget, int parallelism, ITickClock clock)
    {
        bool moved = !ReferenceEquals(world, _scannedWorld) || world.StructureVersion != _scannedVersion;
        _scannedWorld = null; // until the scan completes
        (int candidates, int trainable) = Scan(models, world.EntityCapacity, moved, tick);
        (_scannedWorld, _scannedVersion) = (world, world.StructureVersion);

        _inferCursor = _inferCursor < _total ? _inferCursor : 0; // the world shrank since the last tick
        _trainCursor = _trainCursor < _total ? _trainCursor : 0;
        (int serve, int train) = _costs.Plan(candidates, trainable, budget, parallelism, clock, FirstRowsPerWorker * parallelism);
        Serve(_candidates.AsSpan(0, candidates), serve);
        Train(train);
    }

    /// <summary>Position <paramref name="p"/> (below twice the rows) wrapped into the rows.</summary>
    private int Wrap(int p) => p < _total ? p : p - _total;

    /// <summary>The index of the first of <paramref name="ascending"/> at or after <paramref name="cursor"/> (its length when
    /// none is): where a walk in rotation order starts.</summary>
    private static int FirstAtOrAfter(ReadOnlySpan<int> ascending, int cursor)
    {
        int found = ascending.BinarySearch(cursor);
        return found >= 0 ? found : ~found;
    }

    /// <summary>What row <paramref name="id"/> is owed above the least owed, capped to the histogram.</summary>
    private int Bucket(int id, int least) => Math.Min(_owed[id] - least, _histogram.Length - 1);

    /// <summary>Serves the first <paramref name="serve"/> of <paramref name="candidates"/> (ascending) from the rotation
    /// cursor; defers the others. The served positions go to <see cref="_served"/>, ascending.</summary>
    private void Serve(ReadOnlySpan<int> candidates, int serve)
    {
        int first = FirstAtOrAfter(candidates, _inferCursor);
        Inferred = Math.Min(serve, candidates.Length);
        Deferred = candidates.Length - Inferred;
        for (int k = 0; k < candidates.Length; k++)
        {
            int p = candidates[first + k < candidates.Length ? first + k : first + k - candidates.Length];
            byte deferred = k >= Inferred ? (byte)1 : (byte)0;
            if (_deferredAt[p] != deferred) // only a change touches the entity (a row deferred again stays as it is)
            {
                _deferredAt[p] = deferred;
                _deferred[_entities[p].Id] = deferred != 0;
            }
        }

        // The served candidates are a run of the ascending list that may wrap past its end: listed ascending, the
        // wrapped part (below the cursor) comes first.
        int tail = Math.Min(Inferred, candidates.Length - first); // served at or after the cursor
        candidates.Slice(0, Inferred - tail).CopyTo(_served);
        candidates.Slice(first, tail).CopyTo(_served.AsSpan(Inferred - tail));
        if (Inferred > 0)
        {
            _inferCursor = Wrap(candidates[(first + Inferred - 1) % candidates.Length] + 1); // after the last served
        }
    }

    /// <summary>Trains the <paramref name="train"/> served trainable rows owed the most (ties from the training
    /// cursor on), then counts a decision owed to each served row that did not train. Walks the served rows only, and
    /// writes their flags: whether their archetype trains, then whether they train.</summary>
    private void Train(int train)
    {
        ReadOnlySpan<int> served = _served.AsSpan(0, Inferred);
        int least = int.MaxValue;
        int archetype = 0;
        foreach (int p in served)
        {
            while (p >= _archetypeEnds[archetype])
            {
                archetype++;
            }

            _flags[p] = _archetypeTrains[archetype] ? Trainable : (byte)0;
            if (_archetypeTrains[archetype])
            {
                least = Math.Min(least, _owed[_entities[p].Id]);
            }
        }

        Array.Clear(_histogram);
        foreach (int p in served)
        {
            if ((_flags[p] & Trainable) != 0)
            {
                _histogram[Bucket(_entities[p].Id, least)]++;
            }
        }

        int threshold = 255;
        int above = 0; // rows owed more than the threshold: all of them train
        while (threshold > 0 && above + _histogram[threshold] < train)
        {
            above += _histogram[threshold--];
        }

        int atThreshold = train - above;
        Trained = 0;
        int last = -1;
        int first = FirstAtOrAfter(served, _trainCursor);
        for (int k = 0; k < served.Length; k++)
        {
            int p = served[first + k < served.Length ? first + k : first + k - served.Length];
            if ((_flags[p] & Trainable) == 0)
            {
                continue;
            }

            int id = _entities[p].Id;
            int bucket = Bucket(id, least);
            if ((bucket > threshold || (bucket == threshold && atThreshold-- > 0)) && Trained < train)
            {
                _flags[p] |= TrainsFlag;
                Trained++;
                last = p;
            }
            else
            {
                _owed[id]++;
            }
        }

        if (last >= 0)
        {
            _trainCursor = Wrap(last + 1);
        }
    }
}
