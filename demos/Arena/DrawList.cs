namespace EmbeddedLearn.Demos.Arena;

/// <summary>A reusable list of <see cref="DrawCommand"/>s: the arena as drawn, in a canvas of
/// <see cref="ArenaPainter.Width"/> x <see cref="ArenaPainter.Height"/> pixels.</summary>
internal sealed class DrawList
{
    private DrawCommand[] _commands = new DrawCommand[1024];

    public int Count { get; private set; }

    public ReadOnlySpan<DrawCommand> Commands => _commands.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Add(DrawKind kind, float a, float b, float c, float d, uint colour)
    {
        if (Count == _commands.Length)
        {
            Array.Resize(ref _commands, Count * 2);
        }

        _commands[Count++] = new DrawCommand(kind, a, b, c, d, colour);
    }
}
