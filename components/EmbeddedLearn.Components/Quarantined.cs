using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// A tag the training pipeline adds to an entity whose optimizer step failed (non-finite gradients)
/// <see cref="TrainingSettings.FailuresBeforeQuarantine"/> ticks in a row. A quarantined entity stops training (its
/// parameters stay the last ones its finite steps produced) while inference keeps running, so the game still gets
/// outputs. Find them with <c>new QueryDescription().WithAll&lt;Quarantined&gt;()</c>; release one with
/// <c>ModelSpec.Release</c>, or reinitialise it with <c>ModelSpec.Reinitialise</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct Quarantined
{
    /// <summary>The pipeline tick (<c>TickReport.Tick</c>) in which the entity was quarantined.</summary>
    public long SinceTick { get; set; }
}
