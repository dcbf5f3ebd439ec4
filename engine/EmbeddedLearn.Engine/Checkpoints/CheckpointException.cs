namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// A checkpoint could not be saved or loaded: the file is truncated, corrupt, not a safetensors file, not a
/// checkpoint, of a newer format version, or does not fit the models it describes; or writing failed. The message
/// names the file and what is wrong. When loading fails the world and the file are unchanged; when saving fails the
/// previous file is unchanged.
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; the message is
    /// <c>Checkpoint 'path': problem</c>.</summary>
    public CheckpointException(string filePath, string problem, Exception? innerException = null)
        : base("Checkpoint '" + filePath + "': " + problem, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CheckpointException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public CheckpointException()
        : this("Invalid checkpoint.")
    {
    }

    /// <summary>The checkpoint file concerned (empty when not known).</summary>
    public string FilePath { get; }
}
