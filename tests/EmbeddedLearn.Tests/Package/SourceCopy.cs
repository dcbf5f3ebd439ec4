using EmbeddedLearn.Tests.Readme;

namespace EmbeddedLearn.Tests.Package;

/// <summary>A copy of some of the repository's projects, without build outputs, to build or publish as from a fresh
/// clone: nothing of this test run's own binaries is ever overwritten.</summary>
internal static class SourceCopy
{
    /// <summary>Copies the build settings (the root's, and every Directory.Build.props or .targets between the root and
    /// a project, which the SDK imports as it does here), readme and license, and the folders
    /// <paramref name="projects"/> (paths from the repository root) less their bin/ and obj/, into
    /// <paramref name="target"/>; returns it.</summary>
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
            CopyFolderSettings(root, target, Path.GetDirectoryName(project) ?? string.Empty);
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

    /// <summary>Copies the Directory.Build files of <paramref name="folder"/> and of each folder above it, up to and
    /// not including the root, when there are any.</summary>
    private static void CopyFolderSettings(string root, string target, string folder)
    {
        for (string at = folder; at.Length > 0; at = Path.GetDirectoryName(at) ?? string.Empty)
        {
            foreach (string file in (string[])["Directory.Build.props", "Directory.Build.targets"])
            {
                string from = Path.Combine(root, at, file);
                string to = Path.Combine(target, at, file);
                if (File.Exists(from) && !File.Exists(to))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(from, to);
                }
            }
        }
    }
}
