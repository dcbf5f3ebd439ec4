using System.Globalization;
using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-entity training settings (a plain component): the optimizer and its options, the loss reduction and the
/// accumulation window. Two entities with one layout may use different settings.
/// </summary>
/// <remarks>
/// SGD (g = grad, or -grad with <see cref="Maximize"/>): <c>g += wd p</c>; with momentum <c>m</c>:
/// <c>buf = g</c> on the first step, else <c>buf = m buf + (1 - dampening) g</c>; <c>g = nesterov ? g + m buf : buf</c>;
/// <c>p -= lr g</c>.
/// Adam: <c>g += wd p</c>; <c>m1 = b1 m1 + (1 - b1) g</c>; <c>m2 = b2 m2 + (1 - b2) g^2</c>;
/// <c>p -= lr (m1 / (1 - b1^t)) / (sqrt(m2 / (1 - b2^t)) + eps)</c>.
/// AdamW: <c>p *= 1 - lr wd</c>, then Adam's update without the L2 term.
/// Build settings with <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>, which validate; the training pipeline validates
/// every entity's settings again before a tick changes anything.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct TrainingSettings
{
    /// <summary>The <see cref="FailuresBeforeQuarantine"/> the factories set.</summary>
    public const int DefaultFailuresBeforeQuarantine = 3;

    /// <summary>Which optimizer steps this entity.</summary>
    public OptimizerKind Optimizer { get; init; }

    /// <summary>Learning rate <c>lr</c>, at least 0.</summary>
    public float LearningRate { get; init; }

    /// <summary>SGD momentum factor <c>m</c>, at least 0 (0 disables momentum).</summary>
    public float Momentum { get; init; }

    /// <summary>SGD dampening for momentum, at least 0.</summary>
    public float Dampening { get; init; }

    /// <summary>SGD Nesterov momentum; needs momentum &gt; 0 and dampening 0.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Maximize the objective instead of minimising it (SGD and Adam).</summary>
    public bool Maximize { get; init; }

    /// <summary>Weight decay <c>wd</c>, at least 0: added to the gradient as L2 (SGD, Adam), or decoupled, <c>p *= 1 - lr wd</c> (AdamW).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Adam <c>beta1</c>, in [0, 1).</summary>
    public float Beta1 { get; init; }

    /// <summary>Adam <c>beta2</c>, in [0, 1).</summary>
    public float Beta2 { get; init; }

    /// <summary>Adam <c>eps</c> added to the denominator, at least 0.</summary>
    public float Epsilon { get; init; }

    /// <summary>How the MSE loss reduces over the batch and outputs.</summary>
    public LossReduction Reduction { get; init; }

    /// <summary>Per-entity gradient clipping before each step, as <c>torch.nn.utils.clip_grad_norm_(params, max_norm,
    /// norm_type=2.0)</c> over all the entity's parameters: <c>coef = max_norm / (total_norm + 1e-6)</c>, gradients
    /// scaled by it when it is below 1. 0 (the default) disables clipping; otherwise finite and &gt; 0.</summary>
    public float MaxGradNorm { get; init; }

    /// <summary>Failed steps in a row (non-finite gradients) after which the entity is quarantined (stops training,
    /// keeps inferring); 0 never quarantines. The factories set 3.</summary>
    public int FailuresBeforeQuarantine { get; init; }

    /// <summary>Accumulation window <c>K</c>, at least 1: gradients are cleared at the start of each window of K
    /// backward passes (when the pipeline has a zero-grad stage) and the optimizer steps at its end.</summary>
    public int AccumulationSteps { get; init; }

    /// <summary>SGD settings, as <c>optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize=maximize)</c>.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public static TrainingSettings Sgd(
        float learningRate,
        float momentum = 0f,
        float dampening = 0f,
        bool nesterov = false,
        float weightDecay = 0f,
        bool maximize = false,
        LossReduction reduction = LossReduction.Mean,
        int accumulationSteps = 1)
    {
        var settings = new TrainingSettings
        {
            Optimizer = OptimizerKind.Sgd,
            FailuresBeforeQuarantine = DefaultFailuresBeforeQuarantine,
            LearningRate = learningRate,
            Momentum = momentum,
            Dampening = dampening,
            Nesterov = nesterov,
            WeightDecay = weightDecay,
            Maximize = maximize,
            Reduction = reduction,
            AccumulationSteps = accumulationSteps,
        };
        settings.ThrowIfInvalid();
        return settings;
    }

    /// <summary>Adam settings, as <c>optim.Adam(params, lr, betas=(beta1, beta2), eps, weight_decay, maximize=maximize)</c>.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public static TrainingSettings Adam(
        float learningRate = 1e-3f,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f,
        float weightDecay = 0f,
        bool maximize = false,
        LossReduction reduction = LossReduction.Mean,
        int accumulationSteps = 1)
    {
        var settings = new TrainingSettings
        {
            Optimizer = OptimizerKind.Adam,
            FailuresBeforeQuarantine = DefaultFailuresBeforeQuarantine,
            LearningRate = learningRate,
            Beta1 = beta1,
            Beta2 = beta2,
            Epsilon = epsilon,
            WeightDecay = weightDecay,
            Maximize = maximize,
            Reduction = reduction,
            AccumulationSteps = accumulationSteps,
        };
        settings.ThrowIfInvalid();
        return settings;
    }

    /// <summary>AdamW settings, as <c>optim.AdamW(params, lr, betas=(beta1, beta2), eps, weight_decay, maximize=maximize)</c>:
    /// decoupled weight decay <c>p *= 1 - lr wd</c> before the Adam update (PyTorch's default <c>wd</c> is 0.01).</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public static TrainingSettings AdamW(
        float learningRate = 1e-3f,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f,
        float weightDecay = 0.01f,
        bool maximize = false,
        LossReduction reduction = LossReduction.Mean,
        int accumulationSteps = 1)
    {
        TrainingSettings settings = Adam(learningRate, beta1, beta2, epsilon, weightDecay, maximize, reduction, accumulationSteps)
            with { Optimizer = OptimizerKind.AdamW };
        settings.ThrowIfInvalid();
        return settings;
    }

    /// <summary>Checks every field; returns null when valid, else a message naming the field and its value.</summary>
    public string? Validate()
    {
        // Range checks, not Enum.IsDefined: its reflection cache can be dropped by a GC and rebuilt, which
        // allocates, and this runs for every entity every tick.
        if (Optimizer is not (OptimizerKind.Sgd or OptimizerKind.Adam or OptimizerKind.AdamW))
        {
            return SettingsText.Describe("Optimizer", (int)Optimizer, "must be Sgd, Adam or AdamW");
        }

        if (Reduction is not (LossReduction.Mean or LossReduction.Sum or LossReduction.None))
        {
            return SettingsText.Describe("Reduction", (int)Reduction, "must be Mean, Sum or None");
        }

        if (!(LearningRate >= 0f) || float.IsInfinity(LearningRate))
        {
            return SettingsText.Describe("LearningRate", LearningRate, "must be a finite value >= 0");
        }

        if (!(WeightDecay >= 0f) || float.IsInfinity(WeightDecay))
        {
            return SettingsText.Describe("WeightDecay", WeightDecay, "must be a finite value >= 0");
        }

        if (!(MaxGradNorm >= 0f) || float.IsInfinity(MaxGradNorm))
        {
            return SettingsText.Describe("MaxGradNorm", MaxGradNorm, "must be a finite value >= 0 (0 disables clipping)");
        }

        if (FailuresBeforeQuarantine < 0)
        {
            return SettingsText.Describe("FailuresBeforeQuarantine", FailuresBeforeQuarantine, "must be at least 0 (0 never quarantines)");
        }

        if (AccumulationSteps < 1)
        {
            return SettingsText.Describe("AccumulationSteps", AccumulationSteps, "must be at least 1");
        }

        if (Optimizer == OptimizerKind.Sgd)
        {
            if (!(Momentum >= 0f) || float.IsInfinity(Momentum))
            {
                return SettingsText.Describe("Momentum", Momentum, "must be a finite value >= 0");
            }

            if (!(Dampening >= 0f) || float.IsInfinity(Dampening))
            {
                return SettingsText.Describe("Dampening", Dampening, "must be a finite value >= 0");
            }

            if (Nesterov && (Momentum <= 0f || Dampening != 0f))
            {
                return string.Format(CultureInfo.InvariantCulture,
                    "Nesterov momentum requires a momentum and zero dampening (momentum {0}, dampening {1})",
                    Momentum, Dampening);
            }
        }
        else
        {
            if (!(Beta1 >= 0f && Beta1 < 1f))
            {
                return SettingsText.Describe("Beta1", Beta1, "must be in [0, 1)");
            }

            if (!(Beta2 >= 0f && Beta2 < 1f))
            {
                return SettingsText.Describe("Beta2", Beta2, "must be in [0, 1)");
            }

            if (!(Epsilon >= 0f) || float.IsInfinity(Epsilon))
            {
                return SettingsText.Describe("Epsilon", Epsilon, "must be a finite value >= 0");
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s message when invalid.</summary>
    public void ThrowIfInvalid()
    {
        string? error = Validate();
        if (error is not null)
        {
            throw new ArgumentException("Invalid TrainingSettings: " + error + ".");
        }
    }

}
