using EmbeddedLearn.OpenCl;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Makes one chosen OpenCL operation fail once, after a number of successful ones, when armed.</summary>
internal sealed class FaultPlan : IOpenClFaultInjector
{
    public const int InjectedError = -5;

    public OpenClOperation? Operation { get; set; }

    /// <summary>Successful calls of <see cref="Operation"/> to let through before failing.</summary>
    public int After { get; set; }

    public bool Armed { get; set; }

    public int Fired { get; private set; }

    public int Inject(OpenClOperation operation)
    {
        if (!Armed || operation != Operation)
        {
            return 0;
        }

        if (After > 0)
        {
            After--;
            return 0;
        }

        Armed = false;
        Fired++;
        return InjectedError;
    }
}
