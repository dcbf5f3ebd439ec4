using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The steering scene in the live view: its controls (pause, resume, reset, learning rate, greedy, budget; see
/// <see cref="ControlParser"/>; a backend switch to OpenCL is refused: the scene trains on the CPU) and its messages. A
/// chart point: time, paused, greedy, budget, tick time and time per stage, agents trained, and per group the mean
/// reward per decision (over the decisions since the last point) and the goals reached per agent per minute. A state
/// message adds the frame, frame time, backend, per group its name, colour, agents, policy, learning rate, whether it
/// learns, goals reached and agent-frames on a hazard and against a wall, and the <see cref="SteeringPainter"/> drawing.
/// </summary>
internal sealed class SteeringLive(SteeringScene scene) : AgentLive<SteeringScene, SteeringStats>(scene, new SteeringStats())
{
    public override string Name => ArenaOptions.Steering;

    /// <summary>As the base class's; a switch to OpenCL is refused too.</summary>
    public override ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error)
    {
        ControlCommand? command = base.Parse(utf8, out error);
        if (command is { Kind: ControlKind.Backend } && command.Backend != ArenaBackend.Cpu)
        {
            error = "backend: the steering scene trains on the CPU only";
            return null;
        }

        return command;
    }

    public override string Apply(ControlCommand command)
    {
        SteeringGroup? group = command.Group < Scene.Groups.Count ? Scene.Groups[command.Group] : null;
        switch (command.Kind)
        {
            case ControlKind.Pause or ControlKind.Resume:
                Scene.Paused = command.Kind == ControlKind.Pause;
                break;
            case ControlKind.Reset:
                Scene.Reset(group!);
                break;
            case ControlKind.LearningRate:
                Scene.SetLearningRate(group!, (float)command.Value!.Value);
                break;
            case ControlKind.Greedy:
                Scene.Greedy = command.Value == 1;
                break;
            case ControlKind.Budget:
                Scene.SetBudget(command.Value);
                break;
            case ControlKind.Backend:
                break; // the CPU, which it runs on
            default:
                throw new InvalidOperationException("The steering scene has no control " + command.Kind + ".");
        }

        return command.Kind + " applied at frame " + (Scene.Frames + 1);
    }

    protected override void Count() => Stats.Add(Scene);

    protected override string WithoutModel(AgentGroup group) =>
        (((SteeringGroup)group).Spec.Policy == SteeringPolicy.Heuristic ? "steers by hand-written rules" : "acts at random") + " and has no model";

    protected override void WritePoint(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("time", Math.Round(Scene.Time, 3));
        json.WriteBoolean("paused", Scene.Paused);
        json.WriteBoolean("greedy", Scene.Greedy);
        json.WriteNumber("trained", Scene.LastTrained);
        SnapshotWriter.WriteTick(json, Scene.BudgetMs, Stats.TickMs, Scene.StageNames, Scene.StageMs);
        json.WriteStartArray("groups");
        foreach (SteeringGroup group in Scene.Groups)
        {
            json.WriteStartObject();
            json.WriteNumber("reward", Math.Round(Stats.Reward[group.Index], 5));
            json.WriteNumber("goals", Math.Round(Stats.GoalsPerMinute[group.Index], 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    protected override void WriteStateHeader(Utf8JsonWriter json, byte[] point, string? notice) => SnapshotWriter.WriteStateHeader(json,
        ArenaOptions.Steering, point, Scene.Frames, Stats.FrameMs, Scene.LearningAgents, ("CPU", Scene.LearningDescription), notice);

    protected override void WriteGroup(Utf8JsonWriter json, AgentGroup agents)
    {
        var group = (SteeringGroup)agents;
        json.WriteString("policy", group.Spec.Policy.ToString());
        json.WriteNumber("goalsReached", group.GoalsReached);
        json.WriteNumber("hazardFrames", group.HazardFrames);
        json.WriteNumber("wallFrames", group.WallFrames);
    }

    protected override void Paint(DrawList drawing) => SteeringPainter.Paint(Scene, drawing);
}
