using System.Runtime.InteropServices;
using EmbeddedLearn.Checkpoints;
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
            (Entity learner, Entity aimer) = SpawnModels(group, group.Turrets.Count);
            AddTurret(group, learner, aimer);
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
        Entity learner = group.Model.Spawn(_world, settings, seed), aimer = group.Model.SpawnInference(_world, seed);
        _world.Add(learner, LearnerKey(group.Index, index));
        _world.Add(aimer, AimerKey(group.Index, index));
        return (learner, aimer);
    }

    /// <summary>Adds turret <c>group.Turrets.Count</c> with these models: its target drawn from the scene's random
    /// sequence, its sensor broken when <see cref="HasBadSensor"/> says so.</summary>
    private void AddTurret(TurretGroup group, Entity learner, Entity aimer)
    {
        int i = group.Turrets.Count;
        float sign = i % 2 == 0 ? 1 : -1;
        var target = new Target(Uniform(-0.2f, 0.2f), Uniform(-0.2f, 0.2f), Uniform(0.4f, 0.9f), Uniform(0.6f, 1.6f) * sign, Uniform(0, 6.28f));
        bool bad = HasBadSensor(group.Index, i);
        group.BadSensors += bad ? 1 : 0;
        group.Turrets.Add(new Turret { Learner = learner, Aimer = aimer, Target = target, ShellFired = -1, LastLanded = -1, BadSensor = bad });
    }

    /// <summary>Whether turret <paramref name="index"/> of group <paramref name="group"/> has a broken sensor: with
    /// share f and an offset u in [0, 1) drawn from the seed and the group, when <c>floor((i + 1) f + u)</c> exceeds
    /// <c>floor(i f + u)</c>, so any n consecutive turrets hold n f of them, rounded up or down, spread evenly.</summary>
    private bool HasBadSensor(int group, int index)
    {
        if (_badSensors <= 0)
        {
            return false;
        }

        double u = new Random(unchecked((_seed * 31) + group)).NextDouble();
        return Math.Floor(((index + 1) * _badSensors) + u) > Math.Floor((index * _badSensors) + u);
    }

    private float Uniform(float low, float high) => low + ((high - low) * _random.NextSingle());
}
