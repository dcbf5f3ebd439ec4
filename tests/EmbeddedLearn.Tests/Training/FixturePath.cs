namespace EmbeddedLearn.Tests.Training;

/// <summary>Where the libtorch parity fixtures copied into the test output live.</summary>
internal static class FixturePath
{
    public static string Data => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string TorchParity => Path.Combine(Data, "torch-parity.json");

    /// <summary>Every supervised parity fixture file in the test data (<c>torch-parity*.json</c>, file names only), sorted;
    /// the PPO fixture (<c>torch-ppo.json</c>) has its own format and its own tests.</summary>
    public static IEnumerable<string> All => Directory.GetFiles(Data, "torch-parity*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;
}
