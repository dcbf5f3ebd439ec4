namespace EmbeddedLearn.Checkpoints;

/// <summary>Replaces a file atomically: writes a temporary file in the same folder, flushes it to disk, then renames
/// it over the target, so a reader (or a crash at any moment) sees the old file or the new one, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which returns bytes to write over the
    /// file at an offset once everything else is written (a checksum). <paramref name="wrap"/> (tests) wraps the
    /// temporary file's stream, e.g. to fail half way. On failure the temporary file is deleted and the old file is
    /// untouched.</summary>
    public static void Write(string path, Func<Stream, (long Offset, byte[] Bytes)> write, Func<Stream, Stream>? wrap)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
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
