using System.Text;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// <c>--export-onnx DIR</c>: at the end of a headless run, each learning group's best model is written as
/// <c>DIR/&lt;group name&gt;.onnx</c> (<see cref="OnnxModel.Export(World, Entity, string)"/>); the name is the group's
/// title in lower case with every run of other characters than letters, digits and dots made one dash, such as
/// <c>adam-lr-0.01-4-16-16-2-tanh.onnx</c>. The best model is the group's live, not quarantined model with the lowest
/// finite loss on the last tick it trained, or the group's first live model when none has one.
/// </summary>
internal static class ArenaOnnxExport
{
    /// <summary>Writes one file per group that has a model; returns the files written, in group order.</summary>
    /// <exception cref="OnnxException">A file cannot be written (the message names it).</exception>
    public static IReadOnlyList<string> Write(World world, IEnumerable<(string Name, IEnumerable<Entity> Models)> groups, string folder)
    {
        Directory.CreateDirectory(folder);
        HostResidency.BeforeHostRead(world); // the losses compared below, when a device holds them
        var written = new List<string>();
        foreach ((string name, IEnumerable<Entity> models) in groups)
        {
            if (Best(world, models) is Entity best)
            {
                string path = Path.Combine(folder, FileName(name) + ".onnx");
                OnnxModel.Export(world, best, path);
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>The file name (without extension) of group <paramref name="name"/>.</summary>
    public static string FileName(string name)
    {
        var slug = new StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '.')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().Trim('-', '.') is { Length: > 0 } text ? text : "group";
    }

    private static Entity? Best(World world, IEnumerable<Entity> models)
    {
        Entity? first = null, best = null;
        float bestLoss = float.PositiveInfinity;
        ComponentType loss = ComponentType.Of<Loss>(), quarantined = ComponentType.Of<Quarantined>();
        foreach (Entity entity in models)
        {
            if (!world.IsAlive(entity) || world.Has(entity, quarantined))
            {
                continue;
            }

            first ??= entity;
            float value = world.Has(entity, loss) ? world.Get<Loss>(entity).Value : float.NaN;
            if (float.IsFinite(value) && value < bestLoss)
            {
                (best, bestLoss) = (entity, value);
            }
        }

        return best ?? first;
    }
}
