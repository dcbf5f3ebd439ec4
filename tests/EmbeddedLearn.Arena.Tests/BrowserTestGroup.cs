namespace EmbeddedLearn.Arena.Tests;

/// <summary>The browser tests run one after the other: each starts a Chromium and a live server, and two at once on a
/// loaded 2-core machine starved the turret page's 4 ms training budget long enough to time a wait out.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup
{
    public const string Name = "Browser";
}
