using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Changes the game loop applies between frames: turrets added, models reset, learning rates changed.</summary>
internal sealed partial class ArenaScene
{
    /// <summary>Adds <paramref name="count"/> turrets to <paramref name="group"/>, with new targets and fresh models.</summary>
    public void AddTurrets(TurretGroup group, int count)
    {
        for (int n = 0; n < count; n++)
        {
            int i = group.Turrets.Count;
            (Entity learner, Entity aimer) = SpawnModels(group, i);
            float sign = i % 2 == 0 ? 1 : -1;
            var target = new Target(Uniform(-0.2f, 0.2f), Uniform(-0.2f, 0.2f), Uniform(0.4f, 0.9f), Uniform(0.6f, 1.6f) * sign, Uniform(0, 6.28f));
            group.Turrets.Add(new Turret { Learner = learner, Aimer = aimer, Target = target, ShellFired = -1, LastLanded = -1 });
        }
    }

    /// <summary>Replaces every model of <paramref name="group"/> with freshly initialised ones (new seeds; optimizer
    /// state from zero), as if the group had just spawned.</summary>
    public void Reset(TurretGroup group)
    {
        group.Resets++;
        Span<Turret> turrets = CollectionsMarshal.AsSpan(group.Turrets);
        for (int i = 0; i < turrets.Length; i++)
        {
            _world.Destroy(turrets[i].Learner);
            _world.Destroy(turrets[i].Aimer);
            (turrets[i].Learner, turrets[i].Aimer) = SpawnModels(group, i);
            turrets[i].Loss = 0;
        }
    }

    /// <summary>Sets the learning rate of every learner of <paramref name="group"/>.</summary>
    public void SetLearningRate(TurretGroup group, float learningRate)
    {
        group.LearningRate = learningRate;
        TrainingSettings settings = group.Spec.Settings with { LearningRate = learningRate };
        foreach (Turret turret in group.Turrets)
        {
            group.Model.ChangeSettings(_world, turret.Learner, settings);
        }
    }

    private (Entity Learner, Entity Aimer) SpawnModels(TurretGroup group, int index)
    {
        ulong seed = unchecked(((ulong)_seed * 0x9E3779B97F4A7C15UL) + ((ulong)group.Index << 40) + ((ulong)group.Resets << 24) + (ulong)index);
        TrainingSettings settings = group.Spec.Settings with { LearningRate = group.LearningRate };
        return (group.Model.Spawn(_world, settings, seed), group.Model.SpawnInference(_world, seed));
    }

    private float Uniform(float low, float high) => low + ((high - low) * _random.NextSingle());
}
