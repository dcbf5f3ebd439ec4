using System.Globalization;
using System.Xml.Linq;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>What a run of this test program reported in xUnit.net's XML result format (<c>-result-xml FILE</c>): the
/// totals, how many tests of each class passed, and each failure or error with its message.</summary>
/// <param name="Environment">The runner's line for the process, e.g. <c>64-bit (ARM) .NET 10.0.12 [...]</c>.</param>
/// <param name="Total">Tests run or skipped.</param>
/// <param name="Passed">Tests passed.</param>
/// <param name="Failed">Tests failed.</param>
/// <param name="Skipped">Tests skipped.</param>
/// <param name="Errors">Errors outside any test (a class fixture, a data source, the run itself).</param>
/// <param name="PassedByClass">Passed tests by fully qualified class name.</param>
/// <param name="Problems">Each test that did not pass, and each error, with its message or reason.</param>
internal sealed record UnitTestReport(string Environment, int Total, int Passed, int Failed, int Skipped, int Errors,
    IReadOnlyDictionary<string, int> PassedByClass, IReadOnlyList<string> Problems)
{
    public static UnitTestReport Read(string path)
    {
        XElement assembly = XDocument.Load(path).Root?.Element("assembly")
            ?? throw new InvalidDataException(path + " holds no <assembly> element.");
        var passedByClass = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (XElement test in assembly.Descendants("test"))
        {
            string result = (string?)test.Attribute("result") ?? "";
            if (result == "Pass")
            {
                string type = (string?)test.Attribute("type") ?? "";
                passedByClass[type] = passedByClass.GetValueOrDefault(type) + 1;
            }
            else
            {
                problems.Add($"{result}: {(string?)test.Attribute("name")}: {Message(test)}");
            }
        }

        foreach (XElement error in assembly.Elements("errors").Elements("error"))
        {
            problems.Add($"Error ({(string?)error.Attribute("type")}) {(string?)error.Attribute("name")}: {Message(error)}");
        }

        return new UnitTestReport((string?)assembly.Attribute("environment") ?? "", Count(assembly, "total"), Count(assembly, "passed"), Count(assembly, "failed"),
            Count(assembly, "skipped"), Count(assembly, "errors"), passedByClass, problems);
    }

    public override string ToString() =>
        $"{Total} tests: {Passed} passed, {Failed} failed, {Skipped} skipped, {Errors} errors";

    private static string Message(XElement element) =>
        ((string?)element.Element("failure")?.Element("message") ?? (string?)element.Element("reason") ?? "").Trim();

    private static int Count(XElement assembly, string name) =>
        int.Parse((string?)assembly.Attribute(name) ?? "-1", CultureInfo.InvariantCulture);
}
