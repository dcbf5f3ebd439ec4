namespace EmbeddedLearn.Demos.Arena;

/// <summary>Checks, before a run starts, that the folder and file it will write can be written, so that a bad path
/// is an error with exit code 2 and no stack trace, not a failure after the game ran.</summary>
internal static class ArenaPaths
{
    /// <summary>Why <paramref name="folder"/> (option <paramref name="option"/>) cannot be written to, or null when it
    /// can: a probe file is written and deleted in it, and what the probe had to create is removed again (the run
    /// creates the folder when it writes).</summary>
    public static string? CannotWriteFolder(string folder, string option)
    {
        try
        {
            string full = Path.GetFullPath(folder);
            string? created = null; // the outermost folder the probe creates
            for (string? f = full; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            {
                created = f;
            }

            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, ".arena-write-probe-" + Environment.ProcessId);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            if (created is not null)
            {
                Directory.Delete(created, recursive: true);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return option + " '" + folder + "' cannot be written: " + ex.Message.TrimEnd('.');
        }
    }

    /// <summary>Why a checkpoint cannot be saved at <paramref name="file"/> (option <paramref name="option"/>), or null:
    /// the path must not be a folder, and its folder must exist and be writable.</summary>
    public static string? CannotSaveFile(string file, string option)
    {
        if (Directory.Exists(file))
        {
            return option + " '" + file + "' is a folder, not a file name";
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        return Directory.Exists(folder)
            ? CannotWriteFolder(folder, option + " '" + file + "': its folder")
            : option + " '" + file + "': its folder '" + folder + "' does not exist";
    }
}
