namespace EmbeddedLearn.Tests.Training;

/// <summary>Where the libtorch parity fixtures copied into the test output live.</summary>
internal static class FixturePath
{
    public static string Data => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string TorchParity => Path.Combine(Data, "torch-parity.json");

    /// <summary>Every fixture file in the test data (file names only), sorted.</summary>
    public static IEnumerable<string> All => Directory.GetFiles(Data, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;
}
