namespace EmbeddedLearn.Demos.Arena;

/// <summary>The last <see cref="Capacity"/> chart points (40 s at 15 a second), so a page opened late draws the
/// curves from before it connected. Written by the game loop, read by a page as it connects.</summary>
internal sealed class PointHistory
{
    /// <summary>Points kept.</summary>
    public const int Capacity = 600;

    private readonly Queue<byte[]> _points = new(Capacity);
    private readonly Lock _lock = new();

    public void Add(byte[] point)
    {
        lock (_lock)
        {
            if (_points.Count == Capacity)
            {
                _points.Dequeue();
            }

            _points.Enqueue(point);
        }
    }

    /// <summary>The message <c>{"type":"history","points":[...]}</c>, oldest point first.</summary>
    public byte[] Message()
    {
        byte[][] points;
        lock (_lock)
        {
            points = [.. _points]; // the loop waits at most for this copy of references, never for the serialising
        }

        using var stream = new MemoryStream();
        stream.Write("{\"type\":\"history\",\"points\":["u8);
        for (int i = 0; i < points.Length; i++)
        {
            if (i > 0)
            {
                stream.WriteByte((byte)',');
            }

            stream.Write(points[i]);
        }

        stream.Write("]}"u8);
        return stream.ToArray();
    }
}
