using System.Globalization;
using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Tests.Training;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>One case of Data/torch-ppo.json (written by peer/ParityGenerator, PpoCaseRunner): a fixed rollout, the
/// update's settings, and what libtorch computed.</summary>
internal sealed class PpoFixtureCase
{
    private readonly JsonElement _case;

    private PpoFixtureCase(JsonElement element) => _case = element;

    public string Name => _case.GetProperty("name").GetString()!;

    public int[] Layers => [.. _case.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32())];

    public Activation Activation => ActivationNames.Parse(_case.GetProperty("hidden_activation").GetString()!);

    public PpoActionKind Kind => _case.GetProperty("action_kind").GetString() == "continuous" ? PpoActionKind.Continuous : PpoActionKind.Discrete;

    public int Slots => Int("slots");

    public int Horizon => Int("horizon");

    public int Minibatch => Int("minibatch");

    public ulong ShuffleSeed => ulong.Parse(_case.GetProperty("shuffle_seed").GetString()!, CultureInfo.InvariantCulture);

    public JsonElement[] Minibatches => [.. _case.GetProperty("minibatches").EnumerateArray()];

    public int[][] Permutations => [.. _case.GetProperty("permutations").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetInt32()).ToArray())];

    public PpoSettings Settings => PpoSettings.Ppo(
        gamma: Float("gamma"), lambda: Float("lambda"), clipEpsilon: Float("clip_epsilon"), valueClip: Float("value_clip"),
        valueCoefficient: Float("value_coefficient"), entropyCoefficient: Float("entropy_coefficient"), epochs: Int("epochs"),
        normalizeAdvantages: _case.GetProperty("normalize_advantages").GetBoolean());

    public TrainingSettings Training
    {
        get
        {
            JsonElement o = _case.GetProperty("optimizer");
            float F(string name) => o.GetProperty(name).GetSingle();
            TrainingSettings settings = o.GetProperty("kind").GetString() switch
            {
                "sgd" => TrainingSettings.Sgd(F("lr"), F("momentum"), F("dampening"), o.GetProperty("nesterov").GetBoolean(), F("weight_decay")),
                "adam" => TrainingSettings.Adam(F("lr"), F("beta1"), F("beta2"), F("eps"), F("weight_decay")),
                "adamw" => TrainingSettings.AdamW(F("lr"), F("beta1"), F("beta2"), F("eps"), F("weight_decay")),
                var kind => throw new InvalidDataException("optimizer " + kind),
            };
            return settings with { MaxGradNorm = Float("max_grad_norm") };
        }
    }

    /// <summary>Every case of the fixture file.</summary>
    public static IReadOnlyList<PpoFixtureCase> All { get; } = Load();

    public float[] Floats(string name) => Floats(_case, name);

    public static float[] Floats(JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetSingle())];

    public override string ToString() => Name;

    private int Int(string name) => _case.GetProperty(name).GetInt32();

    private float Float(string name) => _case.GetProperty(name).GetSingle();

    private static PpoFixtureCase[] Load()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePath.Data, "torch-ppo.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new PpoFixtureCase(c.Clone()))];
    }
}
