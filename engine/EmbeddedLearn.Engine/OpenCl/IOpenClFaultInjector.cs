namespace EmbeddedLearn.OpenCl;

/// <summary>Makes chosen OpenCL operations fail, so tests can drive every fault path (never set in production).</summary>
internal interface IOpenClFaultInjector
{
    /// <summary>Called before <paramref name="operation"/>; returns an OpenCL error code (negative) to make it fail,
    /// or 0 to let it run.</summary>
    int Inject(OpenClOperation operation);
}
