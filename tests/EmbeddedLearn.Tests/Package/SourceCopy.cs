using EmbeddedLearn.Tests.Readme;

namespace EmbeddedLearn.Tests.Package;

/// <summary>A copy of some of the repository's projects, without build outputs, to build or publish as from a fresh
/// clone: nothing of this test run's own binaries is ever overwritten.</summary>
internal static class SourceCopy
{
    /// <summary>Copies the build settings, readme and license, and the folders <paramref name="projects"/> (paths from
    /// the repository root) less their bin/ and obj/, into <paramref name="target"/>; returns it.</summary>
    public static string Make(string target, params string[] projects)
    {
        string root = MarkdownCode.RepositoryRoot;
        Directory.CreateDirectory(target);
        foreach (string file in (string[])["Directory.Build.props", "Directory.Packages.props", "global.json", "LICENSE", "README.md"])
        {
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }

        foreach (string project in projects)
        {
            string from = Path.Combine(root, project);
            foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(from, file);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    continue;
                }

                string to = Path.Combine(target, project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
        }

        return target;
    }
}
