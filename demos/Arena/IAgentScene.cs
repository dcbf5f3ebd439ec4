namespace EmbeddedLearn.Demos.Arena;

/// <summary>What the headless history, the reward chart and the live figures read of an agent scene (foragers,
/// steering): its groups, its decision period, and what its last frame did; and running a frame.</summary>
internal interface IAgentScene : IDisposable
{
    /// <summary>Frames run so far.</summary>
    long Frames { get; }

    /// <summary>Runs one frame.</summary>
    void Frame();

    /// <summary>The groups, side by side.</summary>
    IReadOnlyList<AgentGroup> AgentGroups { get; }

    /// <summary>Frames between two decisions.</summary>
    int DecisionFrames { get; }

    /// <summary>Whether the last frame closed a decision (the groups' <see cref="AgentGroup.MeanReward"/> are new).</summary>
    bool DecisionClosed { get; }

    /// <summary>Wall-clock time of the last frame, in milliseconds.</summary>
    double LastFrameMs { get; }

    /// <summary>Wall-clock time of the learning tick the last frame ran, in milliseconds, or null when it ran none.</summary>
    double? LastTickMs { get; }
}
