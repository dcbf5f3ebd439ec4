using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The steering scene in the live view: its controls (pause, resume, reset, learning rate, greedy, budget; see
/// <see cref="ControlParser"/>; the backend: CPU, OpenCL or auto) and its messages. A
/// chart point: time, paused, greedy, budget, tick time and time per stage, agents trained, and per group the mean
/// reward per decision (over the decisions since the last point) and the goals reached per agent per minute. A state
/// message adds the frame, frame time, backend, per group its name, colour, agents, policy, learning rate, whether it
/// learns, goals reached and agent-frames on a hazard and against a wall, and the <see cref="SteeringPainter"/> drawing.
/// </summary>
internal sealed class SteeringLive(SteeringScene scene) : AgentLive<SteeringScene, SteeringStats>(scene, new SteeringStats())
{
    public override string Name => ArenaOptions.Steering;

    protected override void SetPaused(bool paused) => Scene.Paused = paused;

    protected override void Reset(int group) => Scene.Reset(Scene.Groups[group]);

    protected override void SetLearningRate(int group, float learningRate) => Scene.SetLearningRate(Scene.Groups[group], learningRate);

    protected override void SetGreedy(bool greedy) => Scene.Greedy = greedy;

    protected override void SetBudget(double? budgetMs) => Scene.SetBudget(budgetMs);

    protected override string SwitchBackend(ArenaBackend backend)
    {
        Scene.SwitchBackend(backend);
        return Scene.LearningDescription;
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
