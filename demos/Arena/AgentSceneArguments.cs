namespace EmbeddedLearn.Demos.Arena;

/// <summary>The checks every agent scene makes of its size and decision period.</summary>
internal static class AgentSceneArguments
{
    /// <summary>Longest decision period, in frames.</summary>
    public const int MaxDecisionFrames = 8;

    /// <summary>Throws unless <paramref name="agentsPerGroup"/> is at least 1 and <paramref name="decisionFrames"/> in
    /// 1..<see cref="MaxDecisionFrames"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either is out of range.</exception>
    public static void Check(int agentsPerGroup, int decisionFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agentsPerGroup, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(decisionFrames, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decisionFrames, MaxDecisionFrames);
    }
}
