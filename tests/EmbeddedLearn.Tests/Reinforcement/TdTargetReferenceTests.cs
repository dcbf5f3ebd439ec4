using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>The TD targets and the gradients they give, against a straightforward double-precision reference, for
/// random transitions, layouts, batches and discounts, DQN and Double-DQN.</summary>
public class TdTargetReferenceTests
{
    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 0; seed < 10; seed++)
        {
            data.Add(seed, false);
            data.Add(seed, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Targets_and_gradients_match_the_reference(int seed, bool doubleDqn)
    {
        using var c = new QAgentCase(seed, doubleDqn);
        using var pipeline = new TrainingPipeline(
            [new ZeroGradStage(), new ReplaySampleStage(), new ForwardStage(), new TdTargetStage(), new MseLossStage(), new BackwardStage()],
            new PipelineOptions { Threads = 2 });
        pipeline.Run(c.World);

        int actions = c.Spec.ActionCount, n = c.Spec.ObservationWidth, width = c.Spec.SampleWidth;
        foreach (Entity agent in c.Agents)
        {
            double[] online = c.TorchDoubles(agent, c.Spec.Model.Parameters);
            double[] target = c.TorchDoubles(agent, c.Spec.TargetParameters);
            double[] y = c.ReferenceTargets(agent, online, target);
            ReadOnlySpan<float> sample = c.World.GetSpan<float>(agent, c.Spec.ReplaySample);
            ReadOnlySpan<float> outputs = c.World.GetSpan<float>(agent, c.Spec.Model.Outputs);
            float[] targets = c.World.GetSpan<float>(agent, c.Spec.Model.Targets).ToArray();
            double[] inputs = KernelAssert.ToDouble(c.World.GetSpan<float>(agent, c.Spec.Model.Inputs));
            double[] q = ReferenceMlp.Forward(c.Layout, c.Batch, online, inputs)[^1];
            var expectedTaken = new double[c.Batch];
            var actualTaken = new float[c.Batch];
            var dOut = new double[c.Batch * actions];
            for (int j = 0; j < c.Batch; j++)
            {
                int a = (int)sample[j * width];
                for (int k = 0; k < actions; k++)
                {
                    int at = (j * actions) + k;
                    if (k != a)
                    {
                        // The other actions' targets are the outputs themselves: exactly no error, no gradient.
                        Assert.Equal(BitConverter.SingleToInt32Bits(outputs[at]), BitConverter.SingleToInt32Bits(targets[at]));
                    }
                }

                expectedTaken[j] = y[j];
                actualTaken[j] = targets[(j * actions) + a];
                // MSE: 2 (o - t) / N with reduction mean (N = B A), 2 (o - t) with sum and none.
                double count = c.Reduction == LossReduction.Mean ? c.Batch * actions : 1;
                dOut[(j * actions) + a] = 2 * (q[(j * actions) + a] - y[j]) / count;
            }

            KernelAssert.Close(expectedTaken, actualTaken, what: $"{c} {agent} TD targets");
            double[] gradients = ReferenceMlp.Backward(c.Layout, c.Batch, online, inputs, ReferenceMlp.Forward(c.Layout, c.Batch, online, inputs), dOut);
            var engineGradients = new float[c.Layout.ParameterCount];
            c.Spec.Model.ExportGradients(c.World, agent, engineGradients);
            KernelAssert.Close(gradients, engineGradients, what: $"{c} {agent} gradients");
            Assert.Equal(c.Batch, CountRecorded(c, agent, inputs, sample, n, width));
        }
    }

    [Fact]
    public void Dqn_and_double_dqn_differ_where_the_networks_disagree()
    {
        // The same transitions and networks: a test that passed with the flag ignored would prove nothing.
        float[] Targets(bool doubleDqn)
        {
            using var c = new QAgentCase(3, doubleDqn, agents: 1);
            using var pipeline = new TrainingPipeline([new ReplaySampleStage(), new ForwardStage(), new TdTargetStage()]);
            pipeline.Run(c.World);
            return c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Targets).ToArray();
        }

        Assert.NotEqual(Targets(false), Targets(true));
    }

    /// <summary>How many sampled rows are exactly a transition the agent recorded (s from the inputs, the rest from
    /// the sample component).</summary>
    private static int CountRecorded(QAgentCase c, Entity agent, double[] inputs, ReadOnlySpan<float> sample, int n, int width)
    {
        ReadOnlySpan<float> ring = c.World.GetSpan<float>(agent, c.Spec.ReplayBuffer);
        int count = c.World.Get<ReplayState>(agent).Count;
        int found = 0;
        for (int j = 0; j < c.Batch; j++)
        {
            for (int t = 0; t < count; t++)
            {
                ReadOnlySpan<float> stored = ring.Slice(t * c.Spec.TransitionWidth, c.Spec.TransitionWidth);
                bool same = stored[n..].SequenceEqual(sample.Slice(j * width, width));
                for (int k = 0; k < n && same; k++)
                {
                    same = stored[k] == inputs[(j * n) + k];
                }

                if (same)
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }
}
