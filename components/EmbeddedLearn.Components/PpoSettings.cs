using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-brain settings of proximal policy optimisation (a plain component beside <see cref="TrainingSettings"/>, which
/// still chooses the optimizer, learning rate and gradient clipping). For a minibatch of m transitions with new
/// log-probabilities <c>logp</c>, old ones <c>logp_old</c>, advantages <c>A</c> (normalised per minibatch when
/// <see cref="NormalizeAdvantages"/>), returns <c>R</c>, old values <c>V_old</c> and new values <c>V</c>:
/// <c>r = exp(logp - logp_old)</c>; policy loss <c>L_pi = -mean(min(r A, clip(r, 1 - ClipEpsilon, 1 + ClipEpsilon) A))</c>;
/// value loss <c>L_v = 0.5 mean((V - R)^2)</c>, or with <see cref="ValueClip"/> &gt; 0
/// <c>L_v = 0.5 mean(max((V - R)^2, (V_old + clip(V - V_old, -ValueClip, ValueClip) - R)^2))</c>; entropy <c>H</c> the
/// mean entropy of the policy over the minibatch; total <c>L = L_pi + ValueCoefficient L_v - EntropyCoefficient H</c>.
/// Advantages are GAE(lambda): <c>delta_t = r_t + Gamma (1 - done_t) V_{t+1} - V_t</c>,
/// <c>A_t = delta_t + Gamma Lambda (1 - done_t) A_{t+1}</c>, returns <c>A_t + V_t</c>. Build with <see cref="Ppo"/>,
/// which validates; the pipeline validates every brain's settings again before a tick changes anything.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct PpoSettings
{
    /// <summary>Discount factor <c>gamma</c>, in [0, 1].</summary>
    public float Gamma { get; init; }

    /// <summary>GAE's <c>lambda</c>, in [0, 1] (0: one-step TD advantages, 1: Monte Carlo returns minus values).</summary>
    public float Lambda { get; init; }

    /// <summary>The surrogate's clip range <c>epsilon</c>, above 0 (ML-Agents' and SB3's default 0.2).</summary>
    public float ClipEpsilon { get; init; }

    /// <summary>The value clip range, at least 0; 0 turns value clipping off (plain 0.5 (V - R)^2).</summary>
    public float ValueClip { get; init; }

    /// <summary>Weight of the value loss in the total, at least 0 (SB3's vf_coef).</summary>
    public float ValueCoefficient { get; init; }

    /// <summary>Weight of the entropy bonus, at least 0 (SB3's ent_coef, ML-Agents' beta).</summary>
    public float EntropyCoefficient { get; init; }

    /// <summary>Passes over each rollout, at least 1 (ML-Agents' num_epoch, SB3's n_epochs).</summary>
    public int Epochs { get; init; }

    /// <summary>Whether advantages are normalised per minibatch, <c>(A - mean) / (std + 1e-8)</c> with the unbiased
    /// standard deviation, as SB3 does (skipped for a minibatch of one transition).</summary>
    public bool NormalizeAdvantages { get; init; }

    /// <summary>The log standard deviation a continuous policy starts with (every action dimension), finite.</summary>
    public float InitialLogStd { get; init; }

    /// <summary>Evaluation: act with the mean (continuous) or the most probable action (discrete) instead of
    /// sampling. Transitions are still recorded.</summary>
    public bool Deterministic { get; init; }

    /// <summary>PPO settings (validated). The defaults are SB3's and ML-Agents' usual ones.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public static PpoSettings Ppo(
        float gamma = 0.99f,
        float lambda = 0.95f,
        float clipEpsilon = 0.2f,
        float valueClip = 0f,
        float valueCoefficient = 0.5f,
        float entropyCoefficient = 0f,
        int epochs = 4,
        bool normalizeAdvantages = true,
        float initialLogStd = 0f,
        bool deterministic = false)
    {
        var settings = new PpoSettings
        {
            Gamma = gamma,
            Lambda = lambda,
            ClipEpsilon = clipEpsilon,
            ValueClip = valueClip,
            ValueCoefficient = valueCoefficient,
            EntropyCoefficient = entropyCoefficient,
            Epochs = epochs,
            NormalizeAdvantages = normalizeAdvantages,
            InitialLogStd = initialLogStd,
            Deterministic = deterministic,
        };
        settings.ThrowIfInvalid();
        return settings;
    }

    /// <summary>Null when every value is in range, else a description naming the first field that is not and its value.</summary>
    public string? Validate() =>
        !(Gamma is >= 0f and <= 1f) ? SettingsText.Describe(nameof(Gamma), Gamma, "must be in [0, 1]")
        : !(Lambda is >= 0f and <= 1f) ? SettingsText.Describe(nameof(Lambda), Lambda, "must be in [0, 1]")
        : !(ClipEpsilon > 0f && float.IsFinite(ClipEpsilon)) ? SettingsText.Describe(nameof(ClipEpsilon), ClipEpsilon, "must be finite and above 0")
        : !(ValueClip >= 0f && float.IsFinite(ValueClip)) ? SettingsText.Describe(nameof(ValueClip), ValueClip, "must be finite and at least 0")
        : !(ValueCoefficient >= 0f && float.IsFinite(ValueCoefficient)) ? SettingsText.Describe(nameof(ValueCoefficient), ValueCoefficient, "must be finite and at least 0")
        : !(EntropyCoefficient >= 0f && float.IsFinite(EntropyCoefficient)) ? SettingsText.Describe(nameof(EntropyCoefficient), EntropyCoefficient, "must be finite and at least 0")
        : Epochs < 1 ? SettingsText.Describe(nameof(Epochs), Epochs, "must be at least 1")
        : !(float.IsFinite(InitialLogStd) && Math.Abs(InitialLogStd) <= 20f) ? SettingsText.Describe(nameof(InitialLogStd), InitialLogStd, "must be finite and in [-20, 20]")
        : null;

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s message when invalid.</summary>
    public void ThrowIfInvalid()
    {
        string? error = Validate();
        if (error is not null)
        {
            throw new ArgumentException("Invalid PpoSettings: " + error + ".");
        }
    }
}
