using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game's block stage that checks blocks (<see cref="IBlockStage.Admit"/>, however it implements it) is asked
/// about every block of every tick, also when the settings did not change, and refuses the tick before anything changes.</summary>
public sealed class StageAdmitTests
{
    [Fact]
    public void Stages_that_implement_admit_see_every_block_of_every_tick_and_refuse_the_tick_unchanged()
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            var implicitly = new ImplicitAdmit();
            var explicitly = new ExplicitAdmit();
            List<IPipelineStage> stages = TrainingPipeline.DefaultStages();
            stages.Insert(1, implicitly);
            stages.Insert(2, explicitly);
            using var pipeline = new TrainingPipeline(stages, new PipelineOptions { Threads = 2 });
            var samples = entities.Select(e => (SwarmWorld.Swarm, e)).ToList();
            for (int tick = 0; tick < 3; tick++)
            {
                SwarmWorld.WriteSamples(world, samples, tick);
                pipeline.Run(world);
                Assert.Equal(entities.Length * (tick + 1), implicitly.Entities);
                Assert.Equal(entities.Length * (tick + 1), explicitly.Entities);
            }

            explicitly.Refuse = entities[123];
            SwarmWorld.WriteSamples(world, samples, 3);
            byte[] snapshot = OnBackend.Snapshot(world, entities);

            var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));

            Assert.Equal(entities[123], ex.Entity);
            Assert.Contains("refused by the game's stage", ex.Message, StringComparison.Ordinal);
            Assert.Equal(snapshot, OnBackend.Snapshot(world, entities));
        }
    }

    /// <summary>Counts the entities it is asked about, through a public method.</summary>
    private sealed class ImplicitAdmit : IBlockStage
    {
        public int Entities { get; private set; }

        public string Name => "ImplicitAdmit";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Admit(in ModelBlock block) => Entities += block.Count;

        public void Execute(in ModelBlock block)
        {
        }
    }

    /// <summary>Counts the entities it is asked about, through an explicit interface implementation, and refuses one.</summary>
    private sealed class ExplicitAdmit : IBlockStage
    {
        public int Entities { get; private set; }

        public Entity Refuse { get; set; } = Entity.Null;

        public string Name => "ExplicitAdmit";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        void IBlockStage.Admit(in ModelBlock block)
        {
            Entities += block.Count;
            foreach (Entity entity in block.Entities)
            {
                if (entity == Refuse)
                {
                    throw new ModelDataException(entity, nameof(TrainingSettings), entity + " is refused by the game's stage.");
                }
            }
        }

        public void Execute(in ModelBlock block)
        {
        }
    }
}
