namespace EmbeddedLearn.OpenCl;

/// <summary>The OpenCL operations a fault injector may make fail (tests only).</summary>
internal enum OpenClOperation
{
    /// <summary>Listing platforms: a failure reads as "no platform".</summary>
    PlatformQuery = 0,

    /// <summary>Building the program: a failure replaces the source with one that does not compile.</summary>
    Build = 1,

    /// <summary>Enqueueing a write, a copy or a kernel launch during a tick.</summary>
    Enqueue = 2,

    /// <summary>Enqueueing a read of results from the device.</summary>
    Read = 3,
}
