using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-entity settings of a Q-learning agent (a plain component beside <see cref="TrainingSettings"/>, which still
/// chooses the optimizer). The temporal-difference target of a sampled transition <c>(s, a, r, s', done)</c> is
/// <c>y = r + Gamma (1 - done) max_a' Q_target(s', a')</c> (DQN) or
/// <c>y = r + Gamma (1 - done) Q_target(s', argmax_a' Q(s', a'))</c> (<see cref="DoubleDqn"/>); the target network
/// follows the online one by a hard copy every <see cref="TargetSyncPeriod"/> optimizer steps, or by Polyak averaging
/// <c>theta_target = Tau theta + (1 - Tau) theta_target</c> after every step when the period is 0. Actions are chosen
/// epsilon-greedily, epsilon falling linearly from <see cref="EpsilonStart"/> to <see cref="EpsilonEnd"/> over
/// <see cref="EpsilonDecayDecisions"/> decisions. Build with <see cref="Dqn"/>, which validates; the training pipeline
/// validates every agent's settings again before a tick changes anything.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct QLearningSettings
{
    /// <summary>Discount factor <c>gamma</c>, in [0, 1].</summary>
    public float Gamma { get; init; }

    /// <summary>Double-DQN: the online network picks the next action, the target network values it.</summary>
    public bool DoubleDqn { get; init; }

    /// <summary>Optimizer steps between two hard copies of the online parameters into the target network, at least 0;
    /// 0 selects Polyak averaging with <see cref="Tau"/> after every step.</summary>
    public int TargetSyncPeriod { get; init; }

    /// <summary>Polyak rate <c>tau</c> in (0, 1], used when <see cref="TargetSyncPeriod"/> is 0 (1 copies every step).</summary>
    public float Tau { get; init; }

    /// <summary>Exploration rate at the first decision, in [0, 1].</summary>
    public float EpsilonStart { get; init; }

    /// <summary>Exploration rate once decayed, in [0, 1].</summary>
    public float EpsilonEnd { get; init; }

    /// <summary>Decisions over which epsilon falls linearly from start to end, at least 0 (0: <see cref="EpsilonEnd"/>
    /// from the first decision).</summary>
    public int EpsilonDecayDecisions { get; init; }

    /// <summary>Transitions the agent's replay buffer must hold before it trains, at least 1. Until then its training
    /// stages skip it (<see cref="TickOutcome.Waiting"/>).</summary>
    public int MinReplay { get; init; }

    /// <summary>Evaluation: always the greedy action (epsilon 0), whatever the schedule says.</summary>
    public bool Greedy { get; init; }

    /// <summary>DQN settings (validated).</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public static QLearningSettings Dqn(
        float gamma = 0.95f,
        bool doubleDqn = false,
        int targetSyncPeriod = 200,
        float tau = 1f,
        float epsilonStart = 1f,
        float epsilonEnd = 0.05f,
        int epsilonDecayDecisions = 1500,
        int minReplay = 32,
        bool greedy = false)
    {
        var settings = new QLearningSettings
        {
            Gamma = gamma,
            DoubleDqn = doubleDqn,
            TargetSyncPeriod = targetSyncPeriod,
            Tau = tau,
            EpsilonStart = epsilonStart,
            EpsilonEnd = epsilonEnd,
            EpsilonDecayDecisions = epsilonDecayDecisions,
            MinReplay = minReplay,
            Greedy = greedy,
        };
        settings.ThrowIfInvalid();
        return settings;
    }

    /// <summary>Epsilon at decision number <paramref name="decisions"/> (0 for the first):
    /// <c>start + (end - start) min(1, decisions / EpsilonDecayDecisions)</c>, or 0 when <see cref="Greedy"/>.</summary>
    public float EpsilonAt(long decisions)
    {
        if (Greedy)
        {
            return 0f;
        }

        if (EpsilonDecayDecisions == 0 || decisions >= EpsilonDecayDecisions)
        {
            return EpsilonEnd;
        }

        return EpsilonStart + ((EpsilonEnd - EpsilonStart) * (float)((double)decisions / EpsilonDecayDecisions));
    }

    /// <summary>Null when every value is in range, else a description naming the first field that is not and its value.</summary>
    public string? Validate() =>
        !(Gamma is >= 0f and <= 1f) ? SettingsText.Describe(nameof(Gamma), Gamma, "must be in [0, 1]")
        : TargetSyncPeriod < 0 ? SettingsText.Describe(nameof(TargetSyncPeriod), TargetSyncPeriod, "must be at least 0")
        : !(Tau is > 0f and <= 1f) ? SettingsText.Describe(nameof(Tau), Tau, "must be in (0, 1]")
        : !(EpsilonStart is >= 0f and <= 1f) ? SettingsText.Describe(nameof(EpsilonStart), EpsilonStart, "must be in [0, 1]")
        : !(EpsilonEnd is >= 0f and <= 1f) ? SettingsText.Describe(nameof(EpsilonEnd), EpsilonEnd, "must be in [0, 1]")
        : EpsilonDecayDecisions < 0 ? SettingsText.Describe(nameof(EpsilonDecayDecisions), EpsilonDecayDecisions, "must be at least 0")
        : MinReplay < 1 ? SettingsText.Describe(nameof(MinReplay), MinReplay, "must be at least 1")
        : null;

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s message when invalid.</summary>
    public void ThrowIfInvalid()
    {
        string? error = Validate();
        if (error is not null)
        {
            throw new ArgumentException("Invalid QLearningSettings: " + error + ".");
        }
    }
}
