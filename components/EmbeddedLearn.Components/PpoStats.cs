using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// What a PPO brain's last minibatch measured (a plain component the loss stage writes, for the game to read or plot),
/// each a mean over the minibatch's m rows: <see cref="PolicyLoss"/> <c>-mean(min(r A, clip(r) A))</c>,
/// <see cref="ValueLoss"/> <c>0.5 mean((V - R)^2)</c> (or its clipped form), <see cref="Entropy"/> the mean policy
/// entropy (nats), <see cref="TotalLoss"/> <c>L_pi + c_v L_v - c_e H</c>, <see cref="ApproxKl"/>
/// <c>mean((r - 1) - log r)</c> (an estimate of KL(old || new), SB3's), <see cref="ClipFraction"/> the fraction of rows
/// with <c>|r - 1| &gt; epsilon</c>. <see cref="Minibatches"/> counts the minibatches trained so far.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct PpoStats
{
    /// <summary>The clipped surrogate policy loss.</summary>
    public float PolicyLoss { get; set; }

    /// <summary>The value loss (before its coefficient).</summary>
    public float ValueLoss { get; set; }

    /// <summary>The mean policy entropy, in nats (before its coefficient).</summary>
    public float Entropy { get; set; }

    /// <summary>The total loss the gradient is taken of.</summary>
    public float TotalLoss { get; set; }

    /// <summary>The approximate KL divergence between the old and the new policy.</summary>
    public float ApproxKl { get; set; }

    /// <summary>The fraction of rows whose probability ratio was clipped.</summary>
    public float ClipFraction { get; set; }

    /// <summary>The mean reward of the last completed rollout's valid transitions.</summary>
    public float MeanReward { get; set; }

    /// <summary>Minibatches trained so far.</summary>
    public long Minibatches { get; set; }
}
