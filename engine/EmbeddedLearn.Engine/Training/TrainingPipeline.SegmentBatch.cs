using System.Diagnostics;

namespace EmbeddedLearn.Training;

/// <summary>Running a run of consecutive block stages chunk-major.</summary>
public sealed partial class TrainingPipeline
{
    /// <summary>Work item i: every stage of the segment on block i, in order.</summary>
    private sealed class SegmentBatch(TrainingPipeline pipeline) : Ecs.WorkBatch
    {
        public int First;
        public int End;

        public override void Execute(int index)
        {
            ModelSpec spec = pipeline._rangeSpecs[index];
            var block = new ModelBlock(spec, pipeline._ranges[index], ThreadScratch(spec));
            bool measure = pipeline.Options.MeasureStages;
            bool trains = pipeline.Trains(index);
            long blockStart = Stopwatch.GetTimestamp();
            for (int s = First; s < End; s++)
            {
                var stage = (IBlockStage)pipeline._stages[s];
                if (!trains && !stage.RunsWhenNotTraining)
                {
                    continue;
                }

                if (!measure)
                {
                    stage.Execute(block);
                    continue;
                }

                long t0 = Stopwatch.GetTimestamp();
                stage.Execute(block);
                Interlocked.Add(ref pipeline._stageTicks[s], Stopwatch.GetTimestamp() - t0);
            }

            if (pipeline.Options.TrainingBudget is not null)
            {
                pipeline.RecordBlock(trains, Stopwatch.GetTimestamp() - blockStart);
            }
        }
    }
}
