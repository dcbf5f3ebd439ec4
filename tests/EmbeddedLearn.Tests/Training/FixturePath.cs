namespace EmbeddedLearn.Tests.Training;

/// <summary>Where the libtorch parity fixtures copied into the test output live.</summary>
internal static class FixturePath
{
    public static string TorchParity => Path.Combine(AppContext.BaseDirectory, "Data", "torch-parity.json");
}
