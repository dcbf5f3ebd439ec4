namespace EmbeddedLearn.Arena.Tests;

/// <summary>Finds the system's Chromium (Debian's <c>chromium</c> package) for the browser test, or says why there is
/// none; EMBEDDEDLEARN_CHROMIUM names another binary.</summary>
internal static class Chromium
{
    /// <summary>The arguments the browser is launched with: headless, no sandbox (CI runs as root), no GPU, and nothing
    /// that reaches the network on its own.</summary>
    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>The binary's path, or null with <paramref name="reason"/>.</summary>
    public static string? Find(out string reason)
    {
        string[] candidates = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_CHROMIUM") is { Length: > 0 } chosen
            ? [chosen]
            : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
        string? found = candidates.FirstOrDefault(File.Exists);
        reason = found is null ? "no Chromium at " + string.Join(" or ", candidates) + " (apt-get install -y chromium)" : string.Empty;
        return found;
    }

    /// <summary>Skips the test when there is no browser, unless EMBEDDEDLEARN_REQUIRE_BROWSER=1 (CI), where it fails.</summary>
    public static string Require()
    {
        string? path = Find(out string reason);
        if (path is null && Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_BROWSER") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_BROWSER=1 but " + reason);
        }

        Assert.SkipWhen(path is null, reason);
        return path!;
    }
}
