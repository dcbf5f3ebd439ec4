namespace EmbeddedLearn.Onnx;

/// <summary>
/// An ONNX file could not be written or read as an EmbeddedLearn model: the file is truncated or not an ONNX protobuf,
/// its graph is not the supported form (a chain of Gemm, or MatMul and Add, layers with one hidden activation, see
/// <see cref="OnnxModel"/>), a shape or value is wrong, or the file cannot be read or written. The message names the file
/// and, for a graph problem, the node (by position and operator) and what is wrong. When an import fails the world is
/// unchanged; when an export to a path fails the previous file is unchanged.
/// </summary>
public sealed class OnnxException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; the message is
    /// <c>ONNX file 'path': problem</c>.</summary>
    public OnnxException(string filePath, string problem, Exception? innerException = null)
        : base("ONNX file '" + filePath + "': " + problem, innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public OnnxException(string message)
        : base(message)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public OnnxException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    /// <summary>Creates the exception.</summary>
    public OnnxException()
        : this("Invalid ONNX model.")
    {
    }

    /// <summary>The file concerned (the name given for a stream; empty when not known).</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
