namespace EmbeddedLearn.Demos.Arena;

/// <summary>The page's files (wwwroot/, embedded in the assembly: nothing to copy, no build step, no CDN).</summary>
internal static class PageAssets
{
    /// <summary>The bytes of <paramref name="name"/> (e.g. "index.html"), or null when there is no such file.</summary>
    public static byte[]? Read(string name)
    {
        using Stream? stream = typeof(PageAssets).Assembly.GetManifestResourceStream("wwwroot/" + name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
