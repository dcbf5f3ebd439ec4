using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EmbeddedLearn.Tests.Checkpoints;
using EmbeddedLearn.Tests.Readme;
using Xunit;

namespace EmbeddedLearn.Tests.Package;

/// <summary>The packages as a studio takes them: packed from a copy of the sources, checked for their metadata and
/// symbols, then consumed by a fresh console project whose Program.cs is the README's embedding example, which must
/// build against the package alone and train.</summary>
public sealed partial class PackageConsumerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    [Fact]
    public void Packages_carry_metadata_and_symbols_and_the_README_example_trains_from_them_in_a_fresh_console_project()
    {
        using var folder = new TempFolder();
        string sources = SourceCopy.Make(folder.File("src"), "components/EmbeddedLearn.Components", "engine/EmbeddedLearn.Engine");
        string feed = folder.File("feed");
        // A version of its own, and a packages folder of its own: no package cached by an earlier run stands in for this
        // one, and nothing of this run stays behind.
        string version = "0.1.0-check." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        foreach (string project in (string[])["components/EmbeddedLearn.Components/EmbeddedLearn.Components.csproj", "engine/EmbeddedLearn.Engine/EmbeddedLearn.Engine.csproj"])
        {
            (int code, string output) = ChildProcess.Dotnet(sources, Limit, "pack", project, "-c", "Release", "-o", feed, "-p:Version=" + version);
            Assert.True(code == 0, "dotnet pack " + project + " failed:\n" + output);
        }

        foreach (string id in (string[])["EmbeddedLearn.Engine", "EmbeddedLearn.Components"])
        {
            CheckPackage(Path.Combine(feed, id + "." + version + ".nupkg"), id);
            using ZipArchive symbols = ZipFile.OpenRead(Path.Combine(feed, id + "." + version + ".snupkg"));
            Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/" + id + ".pdb");
        }

        string app = Directory.CreateDirectory(folder.File("app")).FullName;
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(folder.Path, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="EmbeddedLearn.Engine" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="embeddedlearn-check" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), MarkdownCode.Blocks("README.md")[0].Code);

        (int runCode, string runOutput) = ChildProcess.Dotnet(app, Limit, "run", "-c", "Release");
        Assert.True(runCode == 0, "dotnet run of the README's example against the package failed:\n" + runOutput);
        MatchCollection losses = LossLine().Matches(runOutput);
        Assert.True(losses.Count >= 2, "the example printed no loss lines:\n" + runOutput);
        double first = double.Parse(losses[0].Groups[1].Value, CultureInfo.InvariantCulture);
        double last = double.Parse(losses[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(last < first / 4, $"the example's agents did not learn: mean loss {first} then {last}\n{runOutput}");
    }

    /// <summary>The package's manifest: the license expression, readme, description, tags and no placeholder address;
    /// its files: the assembly, its XML documentation, the readme and the license.</summary>
    private static void CheckPackage(string path, string id)
    {
        using ZipArchive package = ZipFile.OpenRead(path);
        ZipArchiveEntry manifest = Assert.Single(package.Entries, e => e.FullName == id + ".nuspec");
        using var reader = new StreamReader(manifest.Open());
        string text = reader.ReadToEnd();
        XElement metadata = XDocument.Parse(text).Root!.Elements().First(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("gamedev", Field("tags"), StringComparison.Ordinal);
        Assert.True(Field("description").Length > 40, id + ": no real description");
        Assert.DoesNotContain("example.invalid", text, StringComparison.Ordinal);
        foreach (string file in (string[])["lib/net10.0/" + id + ".dll", "lib/net10.0/" + id + ".xml", "README.md", "LICENSE"])
        {
            Assert.Contains(package.Entries, e => e.FullName == file);
        }
    }

    [GeneratedRegex(@"mean loss ([0-9.Ee+-]+)")]
    private static partial Regex LossLine();
}
