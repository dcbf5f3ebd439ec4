using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Reinforcement.Ppo;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>
/// The agents' stages only read their settings, so a tick leaves the settings columns' write versions
/// (<see cref="Archetype.WriteVersion"/>) where they were: a game (or the engine's own checks) can tell that nobody
/// changed them. Writing a setting moves the version.
/// </summary>
public sealed class SettingsVersionTests
{
    [Fact]
    public void A_q_learning_tick_leaves_the_settings_versions_alone()
    {
        using var c = new QAgentCase(2, doubleDqn: true);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        pipeline.Run(c.World);
        Archetype archetype = c.World.GetArchetype(c.Agents[0]);
        long q = archetype.WriteVersion(ComponentType.Of<QLearningSettings>());
        long training = archetype.WriteVersion(ComponentType.Of<TrainingSettings>());

        pipeline.Run(c.World);
        pipeline.Run(c.World);

        Assert.True(c.World.Get<TrainingState>(c.Agents[0]).OptimizerSteps >= 2, "the agent trained");
        Assert.Equal(q, archetype.WriteVersion(ComponentType.Of<QLearningSettings>()));
        Assert.Equal(training, archetype.WriteVersion(ComponentType.Of<TrainingSettings>()));
        c.World.Set(c.Agents[1], c.Q with { Gamma = 0.5f });
        Assert.NotEqual(q, archetype.WriteVersion(ComponentType.Of<QLearningSettings>()));
    }

    [Fact]
    public void A_ppo_tick_leaves_the_settings_versions_alone()
    {
        using var reach = new PpoReach(brains: 2, members: 4, horizon: 4, minibatch: 8);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 1));
        reach.Step(pipeline);
        Archetype archetype = reach.World.GetArchetype(reach.Brains[0]);
        long ppo = archetype.WriteVersion(ComponentType.Of<PpoSettings>());
        long training = archetype.WriteVersion(ComponentType.Of<TrainingSettings>());

        for (int t = 0; t < 12; t++)
        {
            reach.Step(pipeline);
        }

        Assert.True(reach.World.Get<PpoState>(reach.Brains[0]).Updates >= 1, "the brains updated");
        Assert.Equal(ppo, archetype.WriteVersion(ComponentType.Of<PpoSettings>()));
        Assert.Equal(training, archetype.WriteVersion(ComponentType.Of<TrainingSettings>()));
        reach.World.Set(reach.Brains[1], reach.World.Get<PpoSettings>(reach.Brains[1]) with { Epochs = 3 });
        Assert.NotEqual(ppo, archetype.WriteVersion(ComponentType.Of<PpoSettings>()));
    }
}
