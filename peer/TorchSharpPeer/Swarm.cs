namespace EmbeddedLearn.Peer;

/// <summary>The swarm workload's shape and the settings shared by both idioms.</summary>
internal static class Swarm
{
    internal const int In = 8, H1 = 32, H2 = 32, Out = 2, Batch = 4, Ring = 4;
    internal const double LearningRate = 0.01;
}
