namespace EmbeddedLearn.Arena.Tests;

/// <summary>The browser tests run one after the other, and after this assembly's other tests, not beside them: each starts
/// a Chromium and a live server, and two at once on a loaded 2-core machine starved the turret page's 4 ms training
/// budget long enough to time a wait out; beside the tests that start arena processes, one browser call in CI went
/// unanswered for 30 s.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTestGroup
{
    public const string Name = "Browser";
}
