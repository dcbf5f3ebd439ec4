using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>The optimizer units the engine knows, indexed by <see cref="OptimizerKind"/>. Adding an optimizer is
/// adding a unit here (plus its <see cref="OptimizerKind"/> value, settings factory and kernel).</summary>
public static class OptimizerUnits
{
    private static readonly OptimizerUnit[] Units = [new SgdOptimizer(), new AdamOptimizer(), new AdamWOptimizer()];

    /// <summary>Every unit, in <see cref="OptimizerKind"/> order.</summary>
    public static IReadOnlyList<OptimizerUnit> All => Units;

    /// <summary>The unit <paramref name="kind"/> selects.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No unit has that kind.</exception>
    public static OptimizerUnit For(OptimizerKind kind) =>
        (uint)kind < (uint)Units.Length ? Units[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No optimizer unit for this kind.");
}
