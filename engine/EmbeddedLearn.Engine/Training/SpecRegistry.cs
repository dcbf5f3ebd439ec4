using System.Collections.Concurrent;

namespace EmbeddedLearn.Training;

/// <summary>
/// The process-wide registry of one kind of spec (model, agent, shared model): one spec per key, created once and
/// compared by reference, and every spec made so far as an array replaced on each addition, so that finding the spec of
/// an archetype in a tick allocates nothing.
/// </summary>
/// <typeparam name="TKey">What identifies a spec.</typeparam>
/// <typeparam name="TSpec">The spec type.</typeparam>
internal sealed class SpecRegistry<TKey, TSpec>
    where TKey : notnull
    where TSpec : class
{
    private readonly ConcurrentDictionary<TKey, TSpec> _specs = new();
    private readonly Lock _gate = new();
    private volatile TSpec[] _all = [];

    /// <summary>Every spec made so far, in the order they were made.</summary>
    public TSpec[] All => _all;

    /// <summary>The spec of <paramref name="key"/>, made by <paramref name="create"/> the first time.</summary>
    public TSpec Get(TKey key, Func<TKey, TSpec> create)
    {
        if (_specs.TryGetValue(key, out TSpec? existing))
        {
            return existing;
        }

        lock (_gate)
        {
            TSpec spec = _specs.GetOrAdd(key, create);
            if (Array.IndexOf(_all, spec) < 0)
            {
                _all = [.. _all, spec];
            }

            return spec;
        }
    }
}
