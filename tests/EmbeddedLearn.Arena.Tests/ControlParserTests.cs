using System.Text;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

public sealed class ControlParserTests
{
    [Theory]
    [InlineData("""{"type":"pause"}""", "Pause", 0, null, 0)]
    [InlineData("""{"type":"resume"}""", "Resume", 0, null, 0)]
    [InlineData("""{"type":"reset","group":2}""", "Reset", 2, null, 0)]
    [InlineData("""{"type":"learningRate","group":1,"value":0.02}""", "LearningRate", 1, 0.02, 0)]
    [InlineData("""{"type":"addTurrets","group":0,"count":16}""", "AddTurrets", 0, null, 16)]
    [InlineData("""{"type":"budget","ms":2.5}""", "Budget", 0, 2.5, 0)]
    [InlineData("""{"type":"budget","ms":null}""", "Budget", 0, null, 0)]
    public void Valid_messages_become_commands(string json, string kind, int group, double? value, int count)
    {
        ControlCommand? command = ControlParser.Parse(Encoding.UTF8.GetBytes(json), groups: 3, turrets: 100, out string? error);

        Assert.Null(error);
        Assert.Equal(new ControlCommand(Enum.Parse<ControlKind>(kind), group, value, count), command);
    }

    [Theory]
    [InlineData("cpu", "Cpu")]
    [InlineData("opencl", "OpenCl")]
    public void Backend_messages_name_the_backend(string name, string expected)
    {
        ControlCommand? command = ControlParser.Parse(Encoding.UTF8.GetBytes("{\"type\":\"backend\",\"kind\":\"" + name + "\"}"), 3, 100, out _);

        Assert.Equal(new ControlCommand(ControlKind.Backend, Backend: Enum.Parse<ArenaBackend>(expected)), command);
    }

    [Theory]
    [InlineData("{not json", "not JSON: ")]
    [InlineData("[1,2]", "a control message is a JSON object with a string field \"type\"")]
    [InlineData("""{"type":7}""", "a control message is a JSON object with a string field \"type\"")]
    [InlineData("""{"type":"explode"}""", "unknown control type \"explode\"")]
    [InlineData("""{"type":"pause","now":true}""", "pause: unknown field \"now\"")]
    [InlineData("""{"type":"reset"}""", "reset: field \"group\" is missing")]
    [InlineData("""{"type":"reset","group":3}""", "reset: \"group\" must be an integer in [0, 2]; got 3")]
    [InlineData("""{"type":"reset","group":1.5}""", "reset: \"group\" must be an integer in [0, 2]; got 1.5")]
    [InlineData("""{"type":"learningRate","group":0,"value":5}""", "learningRate: \"value\" must be a number in [1E-06, 1]; got 5")]
    [InlineData("""{"type":"learningRate","group":0,"value":"fast"}""", "learningRate: \"value\" must be a number in [1E-06, 1]; got \"fast\"")]
    [InlineData("""{"type":"addTurrets","group":0,"count":0}""", "addTurrets: \"count\" must be an integer in [1, 64]; got 0")]
    [InlineData("""{"type":"addTurrets","group":0,"count":64}""", "addTurrets: 64 more would make 4104 turrets; at most 4096")]
    [InlineData("""{"type":"budget","ms":-1}""", "budget: \"ms\" must be a number in [0.1, 16.6]; got -1")]
    [InlineData("""{"type":"backend","kind":"gpu"}""", "backend: \"kind\" must be \"cpu\" or \"opencl\"; got \"gpu\"")]
    public void Malformed_or_out_of_range_messages_are_refused_with_the_reason(string json, string expected)
    {
        int turrets = json.Contains("addTurrets", StringComparison.Ordinal) ? 4040 : 100;

        ControlCommand? command = ControlParser.Parse(Encoding.UTF8.GetBytes(json), groups: 3, turrets, out string? error);

        Assert.Null(command);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_message_is_refused_before_it_is_parsed()
    {
        string json = "{\"type\":\"pause\",\"pad\":\"" + new string('x', ControlParser.MaxBytes) + "\"}";

        ControlCommand? command = ControlParser.Parse(Encoding.UTF8.GetBytes(json), 3, 100, out string? error);

        Assert.Null(command);
        Assert.Equal("message too large: " + (ControlParser.MaxBytes + 25) + " bytes, at most " + ControlParser.MaxBytes, error);
    }
}
