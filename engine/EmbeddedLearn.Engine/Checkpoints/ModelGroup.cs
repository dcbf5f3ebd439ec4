using System.Globalization;
using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// The models of one checkpoint group: entities of one <see cref="ModelSpec"/> holding the same saved components
/// (trainable or inference-only; momentum buffer; Adam moments; <see cref="ModelKey"/>; a Q-learning agent's components
/// with a replay ring of <see cref="Replay"/> transitions, 0 when they are not agents; a PPO brain's spec
/// <see cref="Brain"/>, null when they are not brains). Its tensors are named <c>model{Index}.…</c> and stacked over its
/// <see cref="Count"/> entities.
/// </summary>
internal sealed record ModelGroup(int Index, ModelSpec Spec, bool Trainable, bool Momentum, bool Adam, bool Keyed, int Replay, int Count,
    PpoSpec? Brain = null)
{
    /// <summary>The agent spec of a group of Q-learning agents, else null.</summary>
    public QAgentSpec? Agent => Replay > 0 ? QAgentSpec.Get(Spec, Replay) : null;

    /// <summary>The tensor-name prefix, <c>model{Index}</c>.</summary>
    public string Prefix => "model" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The components a loaded entity of this group is created with.</summary>
    public Signature Signature
    {
        get
        {
            Signature signature = Trainable ? Spec.PlainSignature : Spec.InferenceSignature;
            signature = Momentum ? signature.With(Spec.Momentum) : signature;
            signature = Adam ? signature.With(Spec.AdamMoments) : signature;
            signature = Agent is { } agent ? agent.WithAgent(signature) : signature;
            foreach (ComponentType type in Brain?.Components ?? [])
            {
                signature = signature.Contains(type) ? signature : signature.With(type);
            }

            return Keyed ? signature.With(ComponentType.Of<ModelKey>()) : signature;
        }
    }

    /// <summary>The P-float vectors saved per entity, in file order.</summary>
    public IEnumerable<VectorPart> Vectors
    {
        get
        {
            yield return new VectorPart(string.Empty, Spec.Parameters, 0);
            if (Trainable)
            {
                yield return new VectorPart(".grad", Spec.Gradients, 0);
            }

            if (Momentum)
            {
                yield return new VectorPart(".momentum_buffer", Spec.Momentum, 0);
            }

            if (Adam)
            {
                yield return new VectorPart(".exp_avg", Spec.AdamMoments, 0);
                yield return new VectorPart(".exp_avg_sq", Spec.AdamMoments, Spec.Layout.ParameterCount);
            }

            if (Agent is { } agent)
            {
                yield return new VectorPart(".target", agent.TargetParameters, 0);
            }
        }
    }

    /// <summary>The group of an archetype holding models of <paramref name="spec"/> (Q-learning agents when it holds
    /// every component of a trainable agent of that spec).</summary>
    public static ModelGroup Of(int index, ModelSpec spec, Archetype archetype, int count)
    {
        Signature signature = archetype.Signature;
        bool trainable = signature.ContainsAll(spec.PlainSignature);
        QAgentSpec? agent = QAgentSpec.Find(archetype);
        int replay = trainable && agent is not null && agent.Model == spec && signature.ContainsAll(agent.AgentSignature) ? agent.Capacity : 0;
        PpoSpec? brain = PpoSpec.Find(archetype);
        brain = trainable && brain is not null && brain.Model == spec && brain.Components.All(signature.Contains) ? brain : null;
        return new ModelGroup(index, spec, trainable, trainable && signature.Contains(spec.Momentum),
            trainable && signature.Contains(spec.AdamMoments), signature.Contains(ComponentType.Of<ModelKey>()), replay, count, brain);
    }

    /// <summary>Every tensor of the group in file order, with data offsets from <paramref name="begin"/>: per vector
    /// and layer <c>layer{l}.weight{suffix}</c> <c>[N, out, in]</c> F32 and <c>layer{l}.bias{suffix}</c> <c>[N, out]</c>
    /// F32, then the plain components of <see cref="SavedComponents"/>.</summary>
    public List<GroupTensor> Tensors(long begin)
    {
        List<GroupTensor> tensors = [];
        ModelLayout layout = Spec.Layout;
        foreach (VectorPart vector in Vectors)
        {
            for (int l = 0; l < layout.LayerCount; l++)
            {
                string layer = Prefix + ".layer" + l.ToString(CultureInfo.InvariantCulture);
                int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
                tensors.Add(new GroupTensor(Info(layer + ".weight" + vector.Suffix, "F32", [Count, outW, inW], ref begin),
                    sizeof(float) * outW * inW, vector, l, Weight: true, Plain: null));
                tensors.Add(new GroupTensor(Info(layer + ".bias" + vector.Suffix, "F32", [Count, outW], ref begin),
                    sizeof(float) * outW, vector, l, Weight: false, Plain: null));
            }
        }

        if (Agent is { } agent)
        {
            tensors.Add(new GroupTensor(Info(Prefix + ".replay", "F32", [Count, agent.Capacity, agent.TransitionWidth], ref begin),
                sizeof(float) * agent.Capacity * agent.TransitionWidth, null, 0, Weight: false, Plain: null) { Raw = agent.ReplayBuffer });
        }

        if (Brain is { LogStd: { } logStd, LogStdState: { } logStdState })
        {
            tensors.Add(new GroupTensor(Info(Prefix + ".log_std", "F32", [Count, logStd.ElementCount], ref begin),
                sizeof(float) * logStd.ElementCount, null, 0, Weight: false, Plain: null) { Raw = logStd });
            tensors.Add(new GroupTensor(Info(Prefix + ".log_std_state", "F32", [Count, logStdState.ElementCount], ref begin),
                sizeof(float) * logStdState.ElementCount, null, 0, Weight: false, Plain: null) { Raw = logStdState });
        }

        foreach (PlainTensor plain in SavedComponents.All)
        {
            if (plain.AppliesTo(this))
            {
                long[] shape = plain.Columns.Length == 0 ? [Count] : [Count, plain.Columns.Length];
                tensors.Add(new GroupTensor(Info(Prefix + "." + plain.Suffix, plain.DType, shape, ref begin), plain.RowBytes,
                    null, 0, Weight: false, plain));
            }
        }

        return tensors;
    }

    /// <summary>Writes the group's description into the <c>models</c> metadata array.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("prefix", Prefix);
        json.WriteString("layout", string.Join(',', Spec.Layout.Widths.ToArray()));
        json.WriteString("activation", ActivationNames.ToName(Spec.Layout.HiddenActivation));
        json.WriteNumber("batch", Spec.Batch);
        json.WriteNumber("count", Count);
        json.WriteBoolean("trainable", Trainable);
        json.WriteBoolean("momentum", Momentum);
        json.WriteBoolean("adam", Adam);
        json.WriteBoolean("keyed", Keyed);
        json.WriteNumber("replay", Replay);
        json.WriteString("ppo", Brain is null ? string.Empty : string.Format(CultureInfo.InvariantCulture, "{0},{1},{2}",
            Brain.Kind == PpoActionKind.Continuous ? "continuous" : "discrete", Brain.Capacity, Brain.Horizon));
        json.WriteEndObject();
    }

    /// <summary>Reads group <paramref name="index"/> of the <c>models</c> metadata array of a file of format
    /// <paramref name="version"/>, strictly (version 1 has no <c>replay</c> field: no agents; versions 1 and 2 no
    /// <c>ppo</c> field, <c>kind,capacity,horizon</c> or empty: no PPO brains).</summary>
    /// <exception cref="FormatException">A field is missing, unknown, mistyped or out of range; the message names it.</exception>
    public static ModelGroup ReadJson(int index, JsonElement element, int version)
    {
        string where = "models[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        int fields = version == 1 ? 9 : version == 2 ? 10 : 11;
        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Count() != fields)
        {
            throw new FormatException(where + " is not an object of the " + fields + " fields prefix, layout, activation, batch, count, "
                + "trainable, momentum, adam, keyed" + (version == 1 ? string.Empty : ", replay") + (version <= 2 ? string.Empty : ", ppo"));
        }

        string prefix = Text(element, "prefix", where);
        if (prefix != "model" + index.ToString(CultureInfo.InvariantCulture))
        {
            throw new FormatException($"{where}.prefix is '{prefix}', not 'model{index}'");
        }

        int replay = version == 1 ? 0 : Number(element, "replay", where, min: 0);
        string ppo = version <= 2 ? string.Empty : Text(element, "ppo", where);
        ModelSpec spec;
        PpoSpec? brain;
        try
        {
            var layout = ModelLayout.Parse(Text(element, "layout", where), ActivationNames.Parse(Text(element, "activation", where)));
            spec = ModelSpec.Get(layout, Number(element, "batch", where));
            _ = replay > 0 ? QAgentSpec.Get(spec, replay) : null; // refuses a ring over the size limit
            brain = ppo.Length == 0 ? null : ReadBrain(spec, ppo, where);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(where + ": " + ex.Message, ex);
        }

        var group = new ModelGroup(index, spec, Flag(element, "trainable", where), Flag(element, "momentum", where),
            Flag(element, "adam", where), Flag(element, "keyed", where), replay, Number(element, "count", where), brain);
        if (!group.Trainable && (group.Momentum || group.Adam || replay > 0 || brain is not null))
        {
            throw new FormatException(where + " is inference-only but claims optimizer state, a Q-learning agent or a PPO brain");
        }

        if (replay > 0 && brain is not null)
        {
            throw new FormatException(where + " claims both a Q-learning agent and a PPO brain");
        }

        return group;
    }

    /// <summary>The brain spec a <c>ppo</c> field (<c>continuous|discrete,capacity,horizon</c>) names.</summary>
    private static PpoSpec ReadBrain(ModelSpec spec, string ppo, string where)
    {
        string[] parts = ppo.Split(',');
        if (parts.Length != 3 || parts[0] is not ("continuous" or "discrete")
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int capacity)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int horizon))
        {
            throw new FormatException($"{where}.ppo is '{ppo}', not 'continuous|discrete,capacity,horizon'");
        }

        return PpoSpec.Get(spec, parts[0] == "continuous" ? PpoActionKind.Continuous : PpoActionKind.Discrete, capacity, horizon);
    }

    private static TensorInfo Info(string name, string dtype, long[] shape, ref long begin)
    {
        long bytes = SafetensorsHeader.ElementSize(dtype);
        foreach (long dim in shape)
        {
            bytes *= dim; // at most 2^31 entities x 1 GiB each (ModelSpec.MaxEntityBytes): no overflow
        }

        var info = new TensorInfo(name, dtype, shape, begin, begin + bytes);
        begin += bytes;
        return info;
    }

    private static JsonElement Field(JsonElement element, string name, JsonValueKind kind, string where) =>
        element.TryGetProperty(name, out JsonElement value) && (value.ValueKind == kind
            || (kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
            ? value
            : throw new FormatException($"{where}.{name} is missing or not a {(kind == JsonValueKind.True ? "boolean" : kind.ToString().ToLowerInvariant())}");

    private static string Text(JsonElement element, string name, string where) =>
        Field(element, name, JsonValueKind.String, where).GetString()!;

    private static bool Flag(JsonElement element, string name, string where) =>
        Field(element, name, JsonValueKind.True, where).GetBoolean();

    private static int Number(JsonElement element, string name, string where, int min = 1) =>
        Field(element, name, JsonValueKind.Number, where).TryGetInt32(out int value) && value >= min
            ? value
            : throw new FormatException($"{where}.{name} is not an integer from {min} to {int.MaxValue}");
}
