using System.Text.Json;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// The one list of plain (struct) components a checkpoint saves with each model, besides the P-float vectors
/// (parameters, gradients, momentum buffer, Adam moments) that <see cref="ModelGroup"/> names. To save another plain
/// component (a quarantine state, say), add a <see cref="PlainTensor"/> for it here; a file without that tensor then no
/// longer matches the groups it describes, so raise <see cref="Checkpoint.FormatVersion"/> too (and read the old version
/// explicitly if old saves must keep loading).
/// </summary>
internal static class SavedComponents
{
    /// <summary>Training counters, settings, and the game's key, in file order.</summary>
    public static readonly PlainTensor[] All = [new StateTensor(), new SettingsTensor(), new KeyTensor()];

    /// <summary>The <c>columns</c> metadata: each plain tensor's suffix and its column names, as JSON.</summary>
    public static string ColumnsJson { get; } = WriteColumns();

    private static string WriteColumns()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            foreach (PlainTensor plain in All)
            {
                json.WriteStartArray(plain.Suffix);
                foreach (string column in plain.Columns)
                {
                    json.WriteStringValue(column);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
