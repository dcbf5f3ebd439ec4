using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// How often a model entity decides (Unity ML-Agents' decision period, Godot RL's action repeat): on pipeline tick
/// <c>t</c> (<c>TickReport.Tick - 1</c>, counting from 0) the entity is due when <c>t mod Period == Phase</c>.
/// On a tick where it is not due it is neither inferred nor trained: its outputs stay those of its last decision.
/// Entities without this component decide every tick. Under <c>PipelineOptions.TrainingBudget</c> a due entity the
/// budget cannot serve is deferred and stays due on the next ticks until it is served. Spread the phases of many
/// agents in contiguous groups of rows (for example <c>Phase = i * Period / count</c> for the i-th spawned) so each
/// tick's due rows form long runs; any assignment is correct, scattered phases only cost more per row.
/// Supported on the CPU backend; the OpenCL backend refuses entities with it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct DecisionPeriod
{
    /// <summary>Ticks between two decisions; at least 1 (1 = every tick).</summary>
    public int Period { get; set; }

    /// <summary>Which tick of each period is due: <c>0 &lt;= Phase &lt; Period</c>.</summary>
    public int Phase { get; set; }
}
