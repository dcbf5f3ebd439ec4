namespace EmbeddedLearn.Demos.Arena;

/// <summary>Figures of an agent scene since the last state message: per group the mean reward per decision (mean over
/// the decisions closed), and the worst frame time.</summary>
internal class RewardStats
{
    private int _decisions;

    public double[] Reward { get; private set; } = [];

    public double FrameMs { get; private set; }

    /// <summary>Frames added since the last <see cref="Clear"/>.</summary>
    public int Frames { get; private set; }

    /// <summary>Whether a decision closed since the last <see cref="Clear"/>.</summary>
    public bool HasDecisions => _decisions > 0;

    /// <summary>Adds the scene's last frame.</summary>
    public void Add(IAgentScene scene)
    {
        if (Reward.Length != scene.AgentGroups.Count)
        {
            Reward = new double[scene.AgentGroups.Count];
        }

        if (scene.DecisionClosed)
        {
            foreach (AgentGroup group in scene.AgentGroups)
            {
                Reward[group.Index] = _decisions == 0 ? group.MeanReward : Reward[group.Index] + ((group.MeanReward - Reward[group.Index]) / (_decisions + 1));
            }

            _decisions++;
        }

        FrameMs = Frames == 0 ? scene.LastFrameMs : Math.Max(FrameMs, scene.LastFrameMs);
        Frames++;
    }

    /// <summary>Starts a new window of frames.</summary>
    public virtual void Clear() => (_decisions, Frames) = (0, 0);
}
