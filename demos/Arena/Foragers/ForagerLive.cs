using System.Buffers;
using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// The foragers scene in the live view: its controls (pause, resume, reset, learning rate, greedy, budget; see
/// <see cref="ControlParser"/>) and its messages. A chart point: time, paused, greedy, budget, tick time and time per
/// stage, agents trained, and per group the mean reward per decision (over the decisions since the last point) and the
/// mean TD loss. A state message adds the frame, frame time, backend, per group its name, colour, agents, learning
/// rate, whether it learns, epsilon, food eaten and agents caught, and the <see cref="ForagerPainter"/> drawing.
/// </summary>
internal sealed class ForagerLive(ForagersScene scene) : ILiveScene
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly DrawList _drawing = new();
    private readonly ForagerStats _stats = new();

    public string Name => ArenaOptions.Foragers;

    public long Frames => scene.Frames;

    /// <summary>The scene itself.</summary>
    public ForagersScene Scene => scene;

    /// <summary>As <see cref="ControlParser"/>; a reset or learning rate for a group without a model (the random
    /// baseline) is refused, saying so.</summary>
    public ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error)
    {
        ControlCommand? command = ControlParser.Parse(utf8, scene.Groups.Count, turrets: 0, foragers: true, out error);
        if (command is { Kind: ControlKind.Reset or ControlKind.LearningRate } && !scene.Groups[command.Group].Spec.Learns)
        {
            error = NotLearning(command.Kind, scene.Groups[command.Group]);
            return null;
        }

        return command;
    }

    /// <summary>Why <paramref name="kind"/> does not apply to <paramref name="group"/>, which has no model.</summary>
    public static string NotLearning(ControlKind kind, ForagerGroup group) =>
        (kind == ControlKind.Reset ? "reset" : "learningRate") + ": group " + group.Index + " (G" + (group.Index + 1) + ", "
        + group.Spec.Name + ") moves at random and has no model" + (kind == ControlKind.Reset ? " to reset" : ", so no learning rate");

    public string Apply(ControlCommand command)
    {
        ForagerGroup? group = command.Group < scene.Groups.Count ? scene.Groups[command.Group] : null;
        switch (command.Kind)
        {
            case ControlKind.Pause:
                scene.Learning.Paused = true;
                break;
            case ControlKind.Resume:
                scene.Learning.Paused = false;
                break;
            case ControlKind.Reset:
                scene.Reset(group!);
                break;
            case ControlKind.LearningRate:
                scene.SetLearningRate(group!, (float)command.Value!.Value);
                break;
            case ControlKind.Greedy:
                scene.SetGreedy(command.Value == 1);
                break;
            case ControlKind.Budget:
                scene.Learning.SetBudget(command.Value);
                break;
            case ControlKind.Backend:
                scene.Learning.SwitchBackend(scene.World, command.Backend);
                break;
            default:
                throw new InvalidOperationException("The foragers scene has no control " + command.Kind + ".");
        }

        return command.Kind + " applied at frame " + (scene.Frames + 1)
            + (command.Kind == ControlKind.Backend ? ": " + scene.Learning.BackendDescription : string.Empty);
    }

    public string? Frame(Action<string>? log)
    {
        scene.Frame();
        _stats.Add(scene);
        return null;
    }

    public (byte[] Point, byte[] State)? Publish(string? notice)
    {
        if (!_stats.HasDecisions || scene.LastReport is null)
        {
            return null;
        }

        byte[] point = WritePoint();
        byte[] state = WriteState(point, notice);
        _stats.Clear();
        return (point, state);
    }

    public void Exit(Action<string>? log)
    {
    }

    public void Dispose() => scene.Dispose();

    private byte[] WritePoint()
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("time", Math.Round(scene.Time, 3));
            json.WriteBoolean("paused", scene.Learning.Paused);
            json.WriteBoolean("greedy", scene.Greedy);
            json.WriteNumber("trained", _stats.Trained);
            SnapshotWriter.WriteTick(json, scene.Learning.BudgetMs, _stats.TickMs, _stats.StageNames, _stats.StageMs);
            json.WriteStartArray("groups");
            foreach (ForagerGroup group in scene.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("reward", Math.Round(_stats.Reward[group.Index], 5));
                json.WriteNumber("meanLoss", MeanLoss(group));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private byte[] WriteState(byte[] point, string? notice)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            SnapshotWriter.WriteStateHeader(json, ArenaOptions.Foragers, point, scene.Frames, _stats.FrameMs, _stats.Entities, (scene.Learning.ActiveBackend, scene.Learning.BackendDescription), notice);
            json.WriteStartArray("groups");
            foreach (ForagerGroup group in scene.Groups)
            {
                json.WriteStartObject();
                json.WriteString("name", group.Title);
                json.WriteNumber("colour", group.Colour);
                json.WriteNumber("agents", group.Count);
                json.WriteBoolean("learns", group.Spec.Learns);
                json.WriteNumber("learningRate", group.LearningRate);
                json.WriteNumber("epsilon", group.Spec.Learns ? Math.Round(ForagerLearning.EpsilonOf(scene.World, group.Agents[0]), 3) : 1);
                json.WriteNumber("eaten", group.Eaten);
                json.WriteNumber("caught", group.Caught);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            ForagerPainter.Paint(scene, _drawing);
            SnapshotWriter.WriteDrawing(json, _drawing);
            json.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private double MeanLoss(ForagerGroup group)
    {
        double sum = 0;
        foreach (EmbeddedLearn.Ecs.Entity agent in group.Agents)
        {
            float loss = ForagerLearning.LossOf(scene.World, agent);
            sum += float.IsFinite(loss) ? loss : 0;
        }

        return group.Agents.Length == 0 ? 0 : sum / group.Agents.Length;
    }
}
