using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// The foragers scene in the live view: its controls (pause, resume, reset, learning rate, greedy, budget; see
/// <see cref="ControlParser"/>) and its messages. A chart point: time, paused, greedy, budget, tick time and time per
/// stage, agents trained, and per group the mean reward per decision (over the decisions since the last point) and the
/// mean TD loss. A state message adds the frame, frame time, backend, per group its name, colour, agents, learning
/// rate, whether it learns, epsilon, food eaten and agents caught, and the <see cref="ForagerPainter"/> drawing.
/// </summary>
internal sealed class ForagerLive(ForagersScene scene) : AgentLive<ForagersScene, ForagerStats>(scene, new ForagerStats())
{
    public override string Name => ArenaOptions.Foragers;

    protected override bool Ready => Scene.LastReport is not null;

    protected override void SetPaused(bool paused) => Scene.Learning.Paused = paused;

    protected override void Reset(int group) => Scene.Reset(Scene.Groups[group]);

    protected override void SetLearningRate(int group, float learningRate) => Scene.SetLearningRate(Scene.Groups[group], learningRate);

    protected override void SetGreedy(bool greedy) => Scene.SetGreedy(greedy);

    protected override void SetBudget(double? budgetMs) => Scene.Learning.SetBudget(budgetMs);

    protected override string SwitchBackend(ArenaBackend backend)
    {
        Scene.Learning.SwitchBackend(Scene.World, backend);
        return Scene.Learning.BackendDescription;
    }

    protected override void Count() => Stats.Add(Scene);

    protected override string WithoutModel(AgentGroup group) => "moves at random and has no model";

    protected override void WritePoint(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("time", Math.Round(Scene.Time, 3));
        json.WriteBoolean("paused", Scene.Learning.Paused);
        json.WriteBoolean("greedy", Scene.Greedy);
        json.WriteNumber("trained", Stats.Trained);
        SnapshotWriter.WriteTick(json, Scene.Learning.BudgetMs, Stats.TickMs, Stats.StageNames, Stats.StageMs);
        json.WriteStartArray("groups");
        foreach (ForagerGroup group in Scene.Groups)
        {
            json.WriteStartObject();
            json.WriteNumber("reward", Math.Round(Stats.Reward[group.Index], 5));
            json.WriteNumber("meanLoss", MeanLoss(group));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    protected override void WriteStateHeader(Utf8JsonWriter json, byte[] point, string? notice) => SnapshotWriter.WriteStateHeader(json,
        ArenaOptions.Foragers, point, Scene.Frames, Stats.FrameMs, Stats.Entities, (Scene.Learning.ActiveBackend, Scene.Learning.BackendDescription), notice);

    protected override void WriteGroup(Utf8JsonWriter json, AgentGroup agents)
    {
        var group = (ForagerGroup)agents;
        json.WriteNumber("epsilon", group.Spec.Learns ? Math.Round(ForagerLearning.EpsilonOf(Scene.World, group.Agents[0]), 3) : 1);
        json.WriteNumber("eaten", group.Eaten);
        json.WriteNumber("caught", group.Caught);
    }

    protected override void Paint(DrawList drawing) => ForagerPainter.Paint(Scene, drawing);

    private double MeanLoss(ForagerGroup group)
    {
        double sum = 0;
        foreach (EmbeddedLearn.Ecs.Entity agent in group.Agents)
        {
            float loss = ForagerLearning.LossOf(Scene.World, agent);
            sum += float.IsFinite(loss) ? loss : 0;
        }

        return group.Agents.Length == 0 ? 0 : sum / group.Agents.Length;
    }
}
