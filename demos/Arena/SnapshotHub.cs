using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Hands the game loop's state messages to the connected pages and keeps the recent chart points. Each page has a queue of one message that
/// drops the older message when full, so a slow or stalled page only misses frames: the loop never waits and
/// memory never grows.</summary>
internal sealed class SnapshotHub
{
    private readonly ConcurrentDictionary<long, Channel<byte[]>> _clients = new();
    private long _nextId;

    /// <summary>The recent chart points, sent to a page as it connects.</summary>
    public PointHistory History { get; } = new();

    /// <summary>Pages connected now.</summary>
    public int Clients => _clients.Count;

    /// <summary>Registers a page; read its messages from the returned reader.</summary>
    public (long Id, ChannelReader<byte[]> Reader) Subscribe()
    {
        Channel<byte[]> channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        long id = Interlocked.Increment(ref _nextId);
        _clients[id] = channel;
        return (id, channel.Reader);
    }

    public void Unsubscribe(long id)
    {
        if (_clients.TryRemove(id, out Channel<byte[]>? channel))
        {
            channel.Writer.TryComplete();
        }
    }

    /// <summary>Keeps <paramref name="point"/> in the history and offers <paramref name="message"/> to every page;
    /// never blocks.</summary>
    public void Publish(byte[] point, byte[] message)
    {
        History.Add(point);
        foreach (Channel<byte[]> channel in _clients.Values)
        {
            channel.Writer.TryWrite(message);
        }
    }
}
