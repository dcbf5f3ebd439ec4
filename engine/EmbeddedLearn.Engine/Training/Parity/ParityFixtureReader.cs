using System.Globalization;
using System.Text.Json;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Parity;

/// <summary>
/// Reads the parity fixture format (see shared/fixtures/README.md): <c>{"source", "cases": [{"name", "layers",
/// "hidden_activation", "batch", "loss": {"kind": "mse", "reduction"}, "optimizer": {...}, "accumulation_steps",
/// "zero_grad", "initial_parameters", "ticks": [{"inputs", "targets", "outputs", "loss",
/// "gradients_after_backward", "stepped", "parameters_after_tick"}]}]}</c>; optimizer kinds sgd, adam and adamw;
/// optionally per case <c>"max_grad_norm"</c> with, on ticks that clipped, <c>"grad_norm_before_clip"</c> and
/// <c>"gradients_after_clip"</c> (torch-parity-clip.json).
/// </summary>
public static class ParityFixtureReader
{
    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is not JSON or a field is missing, of the wrong type, of the
    /// wrong length or out of range; the message names the file, the case and the field.</exception>
    public static ParityFixture ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = File.ReadAllText(path);
        try
        {
            return Parse(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException(path + ": " + ex.Message, ex);
        }
    }

    /// <summary>Parses and checks fixture JSON.</summary>
    /// <exception cref="FormatException">As <see cref="ReadFile"/>, without the file name.</exception>
    public static ParityFixture Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the top level must be an object with a 'cases' array.");
            }

            string source = root.TryGetProperty("source", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown";
            JsonElement cases = Field(root, "cases", JsonValueKind.Array, "file");
            var list = new List<ParityCase>();
            int index = 0;
            foreach (JsonElement element in cases.EnumerateArray())
            {
                list.Add(ReadCase(element, index++));
            }

            return new ParityFixture(source, list);
        }
    }

    private static ParityCase ReadCase(JsonElement element, int index)
    {
        string where = string.Format(CultureInfo.InvariantCulture, "case {0}", index);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(where + ": must be an object.");
        }

        string name = Field(element, "name", JsonValueKind.String, where).GetString()!;
        where = string.Format(CultureInfo.InvariantCulture, "case {0} '{1}'", index, name);
        int[] layers = Field(element, "layers", JsonValueKind.Array, where).EnumerateArray()
            .Select((w, i) => Int(w, where, "layers[" + i.ToString(CultureInfo.InvariantCulture) + "]")).ToArray();
        Activation activation;
        ModelLayout layout;
        try
        {
            activation = ActivationNames.Parse(Field(element, "hidden_activation", JsonValueKind.String, where).GetString()!);
            layout = new ModelLayout(layers, activation);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new FormatException(where + ", field 'layers'/'hidden_activation': " + ex.Message, ex);
        }

        int batch = Int(Field(element, "batch", JsonValueKind.Number, where), where, "batch");
        if (batch < 1)
        {
            throw new FormatException(where + ", field 'batch': must be at least 1; got " + batch.ToString(CultureInfo.InvariantCulture) + ".");
        }

        TrainingSettings settings = ReadSettings(element, where);
        if (element.TryGetProperty("max_grad_norm", out JsonElement maxNorm) && maxNorm.ValueKind != JsonValueKind.Null)
        {
            if (maxNorm.ValueKind != JsonValueKind.Number || !(maxNorm.GetDouble() > 0) || !double.IsFinite(maxNorm.GetDouble()))
            {
                throw new FormatException(where + ", field 'max_grad_norm': expected null or a finite number above 0; got " + maxNorm.GetRawText() + ".");
            }

            settings = settings with { MaxGradNorm = (float)maxNorm.GetDouble() };
        }

        bool zeroGrad = Bool(Field(element, "zero_grad", JsonValueKind.Undefined, where), where, "zero_grad");
        float[] initial = Floats(element, "initial_parameters", layout.ParameterCount, where);
        var ticks = new List<ParityTick>();
        int t = 0;
        foreach (JsonElement tick in Field(element, "ticks", JsonValueKind.Array, where).EnumerateArray())
        {
            string tickWhere = where + string.Format(CultureInfo.InvariantCulture, ", ticks[{0}]", t++);
            int n = batch * layout.OutputWidth;
            ticks.Add(new ParityTick(
                Floats(tick, "inputs", batch * layout.InputWidth, tickWhere),
                Floats(tick, "targets", n, tickWhere),
                Floats(tick, "outputs", n, tickWhere),
                (float)Field(tick, "loss", JsonValueKind.Number, tickWhere).GetDouble(),
                Floats(tick, "gradients_after_backward", layout.ParameterCount, tickWhere),
                Bool(Field(tick, "stepped", JsonValueKind.Undefined, tickWhere), tickWhere, "stepped"),
                Floats(tick, "parameters_after_tick", layout.ParameterCount, tickWhere))
            {
                GradientNormBeforeClip = OptionalNumber(tick, "grad_norm_before_clip", tickWhere),
                GradientsAfterClip = tick.TryGetProperty("gradients_after_clip", out JsonElement clipped) && clipped.ValueKind != JsonValueKind.Null
                    ? Floats(tick, "gradients_after_clip", layout.ParameterCount, tickWhere)
                    : null,
            });
        }

        return new ParityCase(name, layout, batch, settings, zeroGrad, initial, ticks);
    }

    internal static TrainingSettings ReadSettings(JsonElement element, string where)
    {
        JsonElement loss = Field(element, "loss", JsonValueKind.Object, where);
        string kind = Field(loss, "kind", JsonValueKind.String, where + ", loss").GetString()!;
        if (kind != "mse")
        {
            throw new FormatException(where + ", field 'loss.kind': only 'mse' is supported; got '" + kind + "'.");
        }

        LossReduction reduction = Field(loss, "reduction", JsonValueKind.String, where + ", loss").GetString() switch
        {
            "mean" => LossReduction.Mean,
            "sum" => LossReduction.Sum,
            "none" => LossReduction.None,
            var other => throw new FormatException(where + ", field 'loss.reduction': expected mean, sum or none; got '" + other + "'."),
        };
        int k = Int(Field(element, "accumulation_steps", JsonValueKind.Number, where), where, "accumulation_steps");
        JsonElement optimizer = Field(element, "optimizer", JsonValueKind.Object, where);
        string ow = where + ", optimizer";
        string optimizerKind = Field(optimizer, "kind", JsonValueKind.String, ow).GetString()!;
        float Number(string field) => (float)Field(optimizer, field, JsonValueKind.Number, ow).GetDouble();
        bool Maximize() => optimizer.TryGetProperty("maximize", out JsonElement m) && Bool(m, ow, "maximize");
        try
        {
            return optimizerKind switch
            {
                "sgd" => TrainingSettings.Sgd(Number("lr"), Number("momentum"), Number("dampening"),
                    Bool(Field(optimizer, "nesterov", JsonValueKind.Undefined, ow), ow, "nesterov"), Number("weight_decay"), Maximize(), reduction, k),
                "adam" => ReadAdam(optimizer, ow, Number, Maximize(), reduction, k),
                "adamw" => ReadAdam(optimizer, ow, Number, Maximize(), reduction, k) with { Optimizer = OptimizerKind.AdamW },
                _ => throw new FormatException(ow + ", field 'kind': expected sgd, adam or adamw; got '" + optimizerKind + "'."),
            };
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ow + ": " + ex.Message, ex);
        }
    }

    private static TrainingSettings ReadAdam(JsonElement optimizer, string where, Func<string, float> number, bool maximize, LossReduction reduction, int k)
    {
        if (optimizer.TryGetProperty("amsgrad", out JsonElement amsgrad) && Bool(amsgrad, where, "amsgrad"))
        {
            throw new FormatException(where + ", field 'amsgrad': amsgrad is not supported.");
        }

        return TrainingSettings.Adam(number("lr"), number("beta1"), number("beta2"), number("eps"), number("weight_decay"), maximize, reduction, k);
    }

    private static float? OptionalNumber(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? (float)Field(parent, name, JsonValueKind.Number, where).GetDouble()
            : null;

    private static JsonElement Field(JsonElement parent, string name, JsonValueKind kind, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            throw new FormatException(where + ": field '" + name + "' is missing.");
        }

        if (kind != JsonValueKind.Undefined && value.ValueKind != kind)
        {
            throw new FormatException(where + ", field '" + name + "': expected " + Describe(kind) + "; got " + Describe(value.ValueKind) + ".");
        }

        return value;
    }

    private static int Int(JsonElement value, string where, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new FormatException(where + ", field '" + field + "': expected an integer; got " + value.GetRawText() + ".");

    private static bool Bool(JsonElement value, string where, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException(where + ", field '" + field + "': expected true or false; got " + value.GetRawText() + "."),
    };

    private static float[] Floats(JsonElement parent, string name, int length, string where)
    {
        JsonElement array = Field(parent, name, JsonValueKind.Array, where);
        int count = array.GetArrayLength();
        if (count != length)
        {
            throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                "{0}, field '{1}': expected {2} numbers; got {3}.", where, name, length, count));
        }

        var values = new float[count];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                    "{0}, field '{1}[{2}]': expected a number; got {3}.", where, name, i, item.GetRawText()));
            }

            values[i++] = (float)item.GetDouble();
        }

        return values;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
