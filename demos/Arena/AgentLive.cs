using System.Buffers;
using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// What the agent scenes' live views (foragers, steering) share: control messages parsed for the scene, a reset or a
/// learning rate for a group without a model refused with the reason, and a chart point and a state message published
/// once a decision has closed since the last ones (<see cref="RewardStats"/>).
/// </summary>
/// <typeparam name="TScene">The scene's type.</typeparam>
/// <typeparam name="TStats">The type of its figures since the last message.</typeparam>
internal abstract class AgentLive<TScene, TStats>(TScene scene, TStats stats) : ILiveScene
    where TScene : IAgentScene
    where TStats : RewardStats
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public abstract string Name { get; }

    public long Frames => scene.Frames;

    /// <summary>The scene itself.</summary>
    public TScene Scene => scene;

    /// <summary>The figures of the frames since the last message.</summary>
    protected TStats Stats => stats;

    /// <summary>The list the state message's drawing is painted into.</summary>
    protected DrawList Drawing { get; } = new();

    private IReadOnlyList<AgentGroup> Groups => scene.AgentGroups;

    /// <summary>Whether there is something to show besides a closed decision (say, a first learning tick).</summary>
    protected virtual bool Ready => true;

    /// <summary>As <see cref="ControlParser"/> for this scene; a reset or learning rate for a group without a model is
    /// refused, saying so (<see cref="WithoutModel"/>).</summary>
    public virtual ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error)
    {
        ControlCommand? command = ControlParser.Parse(utf8, Groups.Count, turrets: 0, Name, out error);
        if (command is { Kind: ControlKind.Reset or ControlKind.LearningRate } && !Groups[command.Group].Learns)
        {
            AgentGroup group = Groups[command.Group];
            error = (command.Kind == ControlKind.Reset ? "reset" : "learningRate") + ": group " + group.Index + " (G" + (group.Index + 1)
                + ", " + group.Name + ") " + WithoutModel(group) + (command.Kind == ControlKind.Reset ? " to reset" : ", so no learning rate");
            return null;
        }

        return command;
    }

    /// <summary>Applies a validated command between two frames (through the scene's own setters below); returns what to
    /// show on the page: "Kind applied at frame N", and for a backend switch what the backend is now.</summary>
    public string Apply(ControlCommand command)
    {
        string detail = string.Empty;
        switch (command.Kind)
        {
            case ControlKind.Pause or ControlKind.Resume:
                SetPaused(command.Kind == ControlKind.Pause);
                break;
            case ControlKind.Reset:
                Reset(command.Group);
                break;
            case ControlKind.LearningRate:
                SetLearningRate(command.Group, (float)command.Value!.Value);
                break;
            case ControlKind.Greedy:
                SetGreedy(command.Value == 1);
                break;
            case ControlKind.Budget:
                SetBudget(command.Value);
                break;
            case ControlKind.Backend:
                detail = ": " + SwitchBackend(command.Backend);
                break;
            default:
                throw new InvalidOperationException("The " + Name + " scene has no control " + command.Kind + ".");
        }

        return command.Kind + " applied at frame " + (Frames + 1) + detail;
    }

    /// <summary>Runs one frame and adds it to <see cref="Stats"/>.</summary>
    public string? Frame(Action<string>? log)
    {
        scene.Frame();
        Count();
        return null;
    }

    public (byte[] Point, byte[] State)? Publish(string? notice)
    {
        if (!Stats.HasDecisions || !Ready)
        {
            return null;
        }

        byte[] point = Write(json => WritePoint(json));
        byte[] state = Write(json => WriteState(json, point, notice));
        Stats.Clear();
        return (point, state);
    }

    public void Exit(Action<string>? log)
    {
    }

    public void Dispose() => scene.Dispose();

    /// <summary>Adds the scene's last frame to <see cref="Stats"/>.</summary>
    protected abstract void Count();

    /// <summary>Pauses learning (the models still act) or resumes it.</summary>
    protected abstract void SetPaused(bool paused);

    /// <summary>Gives group <paramref name="group"/> fresh models.</summary>
    protected abstract void Reset(int group);

    /// <summary>Sets group <paramref name="group"/>'s learning rate.</summary>
    protected abstract void SetLearningRate(int group, float learningRate);

    /// <summary>Makes the learning agents act greedily (evaluation) or explore again.</summary>
    protected abstract void SetGreedy(bool greedy);

    /// <summary>Sets the training budget in milliseconds, or none.</summary>
    protected abstract void SetBudget(double? budgetMs);

    /// <summary>Switches the training backend; returns it in words.</summary>
    protected abstract string SwitchBackend(ArenaBackend backend);

    /// <summary>Why <paramref name="group"/> has no model, e.g. "moves at random and has no model".</summary>
    protected abstract string WithoutModel(AgentGroup group);

    /// <summary>Writes the chart point's object.</summary>
    protected abstract void WritePoint(Utf8JsonWriter json);

    /// <summary>Writes the state message's first fields (<see cref="SnapshotWriter.WriteStateHeader"/>).</summary>
    protected abstract void WriteStateHeader(Utf8JsonWriter json, byte[] point, string? notice);

    /// <summary>Writes what the scene says of <paramref name="group"/> besides its name, colour, agents, whether it
    /// learns and its learning rate.</summary>
    protected abstract void WriteGroup(Utf8JsonWriter json, AgentGroup group);

    /// <summary>Paints the scene as it is now into <paramref name="drawing"/>.</summary>
    protected abstract void Paint(DrawList drawing);

    /// <summary>The state message: its header, per group its name (its title, with the learning rate in force), colour,
    /// agents, whether it learns, learning rate and the scene's own figures, and the drawing.</summary>
    private void WriteState(Utf8JsonWriter json, byte[] point, string? notice)
    {
        json.WriteStartObject();
        WriteStateHeader(json, point, notice);
        json.WriteStartArray("groups");
        foreach (AgentGroup group in Groups)
        {
            json.WriteStartObject();
            json.WriteString("name", group.Title);
            json.WriteNumber("colour", group.Colour);
            json.WriteNumber("agents", group.Count);
            json.WriteBoolean("learns", group.Learns);
            json.WriteNumber("learningRate", group.LearningRate);
            WriteGroup(json, group);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Paint(Drawing);
        SnapshotWriter.WriteDrawing(json, Drawing);
        json.WriteEndObject();
    }

    private byte[] Write(Action<Utf8JsonWriter> body)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            body(json);
        }

        return _buffer.WrittenSpan.ToArray();
    }
}
