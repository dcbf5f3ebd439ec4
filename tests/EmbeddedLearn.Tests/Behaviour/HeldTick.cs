using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game system that holds its first tick open until released: a test then acts from another thread while a
/// tick is certainly in flight.</summary>
internal sealed class HeldTick : IWorldSystem, IDisposable
{
    private bool _used;

    /// <summary>Set once the held tick reached the system.</summary>
    public ManualResetEventSlim Entered { get; } = new();

    /// <summary>Set by the test to let the tick go on.</summary>
    public ManualResetEventSlim Release { get; } = new();

    public string Name => "HeldTick";

    public ModelData Reads => ModelData.None;

    public ModelData Writes => ModelData.None;

    /// <summary>Waits (30 s at most) until the held tick is in flight.</summary>
    public void WaitEntered()
    {
        if (!Entered.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the held tick never started");
        }
    }

    public void Update(World world)
    {
        if (_used)
        {
            return;
        }

        _used = true;
        Entered.Set();
        Release.Wait(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        Entered.Dispose();
        Release.Dispose();
    }
}
