namespace EmbeddedLearn.Checkpoints;

/// <summary>Replaces a file atomically: writes a temporary file in the same folder, flushes it to disk, then renames
/// it over the target, so a reader (or a crash at any moment) sees the old file or the new one, never a mix. A save
/// killed part way leaves its temporary file; the next save of the same file removes such leftovers
/// (<see cref="RemoveLeftovers"/>).</summary>
internal static class AtomicFile
{
    /// <summary>How old a leftover temporary file must be before a save removes it: a save in progress rewrites its own
    /// file continuously and holds it locked.</summary>
    public static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(1);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which returns bytes to write over the
    /// file at an offset once everything else is written (a checksum). <paramref name="wrap"/> (tests) wraps the
    /// temporary file's stream, e.g. to fail half way. On failure the temporary file is deleted and the old file is
    /// untouched.</summary>
    public static void Write(string path, Func<Stream, (long Offset, byte[] Bytes)> write, Func<Stream, Stream>? wrap)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        RemoveLeftovers(folder, Path.GetFileName(full));
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Stream stream = wrap?.Invoke(file) ?? file;
                (long offset, byte[] bytes) = write(stream);
                stream.Flush();
                file.Position = offset;
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes the temporary files earlier saves of <paramref name="name"/> left in <paramref name="folder"/> when
    /// they were killed: files named <c>.NAME.*.tmp</c>, last written more than <see cref="LeftoverAge"/> ago, that no
    /// one holds open (a save in progress holds its own exclusively). What cannot be removed stays.</summary>
    public static void RemoveLeftovers(string folder, string name)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(folder, "." + name + ".*.tmp");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // the save itself will say what is wrong with the folder
        }

        DateTime before = DateTime.UtcNow - LeftoverAge;
        foreach (string candidate in candidates)
        {
            try
            {
                if (File.GetLastWriteTimeUtc(candidate) > before)
                {
                    continue;
                }

                using (new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    // Opened exclusively: no save holds it.
                }

                File.Delete(candidate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // In use, or not ours to delete: it stays.
            }
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The temporary file stays behind; it is never read, and the next save uses a new name.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
