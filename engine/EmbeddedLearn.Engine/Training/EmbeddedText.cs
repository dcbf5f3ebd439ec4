namespace EmbeddedLearn.Training;

/// <summary>Reads a text file embedded in the engine assembly (the OpenCL C sources).</summary>
internal static class EmbeddedText
{
    /// <summary>The text of embedded resource <paramref name="name"/> (its logical name, e.g.
    /// <c>EmbeddedLearn.Training.ZeroGrad.cl</c>).</summary>
    /// <exception cref="InvalidOperationException">The assembly has no such resource.</exception>
    public static string Read(string name)
    {
        using Stream stream = typeof(EmbeddedText).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("Embedded resource " + name + " is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
