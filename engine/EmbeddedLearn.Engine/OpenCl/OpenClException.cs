using System.Globalization;

namespace EmbeddedLearn.OpenCl;

/// <summary>An OpenCL call failed: the message names the call and its error code.</summary>
public sealed class OpenClException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> failing with <paramref name="errorCode"/>.</summary>
    public OpenClException(string call, int errorCode)
        : base(string.Format(CultureInfo.InvariantCulture, "OpenCL call {0} failed with error {1}.", call, errorCode))
    {
        Call = call;
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception with a message.</summary>
    public OpenClException()
        : this("unknown", 0)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OpenClException(string message)
        : base(message)
    {
        Call = "unknown";
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public OpenClException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = "unknown";
    }

    /// <summary>The OpenCL function that failed.</summary>
    public string Call { get; } = "unknown";

    /// <summary>The OpenCL error code (negative), 0 when not from a call.</summary>
    public int ErrorCode { get; }
}
