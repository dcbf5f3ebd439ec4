using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>A group of turrets sharing a <see cref="GroupSpec"/> (one model layout, one optimizer setting), and the
/// figures of its last frame.</summary>
internal sealed class TurretGroup(GroupSpec spec, int index)
{
    /// <summary>What the group's turrets are.</summary>
    public GroupSpec Spec { get; } = spec;

    /// <summary>Position of the group in the arena (0-based).</summary>
    public int Index { get; } = index;

    /// <summary>The group's colour (its position's, as in every scene).</summary>
    public uint Colour { get; } = GroupColours.Of(index);

    /// <summary>The title the page shows: the spec's name with the learning rate in force.</summary>
    public string Title => GroupTitle.Of(Spec.Name, Spec.Settings.LearningRate, LearningRate);

    /// <summary>The engine's description of the group's layout: component types and signatures.</summary>
    public ModelSpec Model { get; } = ModelSpec.Get(spec.Layout, batch: ArenaScene.Batch);

    /// <summary>The turrets (grown by <see cref="ArenaScene.AddTurrets"/>).</summary>
    public List<Turret> Turrets { get; } = [];

    /// <summary>Learning rate now (changed from the page).</summary>
    public float LearningRate { get; set; } = spec.Settings.LearningRate;

    /// <summary>Turrets of the group whose sensors are broken.</summary>
    public int BadSensors { get; set; }

    /// <summary>How many times the group's models were reset (seeds new weights).</summary>
    public int Resets { get; set; }

    /// <summary>Share of turrets (with working sensors) whose aim this frame would hit, in [0, 1].</summary>
    public double HitRate { get; set; }

    /// <summary>Mean of the learners' losses this frame (turrets with working sensors).</summary>
    public double MeanLoss { get; set; }
}
