using System.Text;
using System.Text.Json;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

public sealed class SnapshotHubTests
{
    [Fact]
    public void A_page_that_never_reads_holds_only_the_newest_message_and_the_history_keeps_the_last_points()
    {
        var hub = new SnapshotHub();
        (long id, System.Threading.Channels.ChannelReader<byte[]> reader) = hub.Subscribe();

        for (int i = 0; i < 1000; i++)
        {
            hub.Publish(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), [(byte)(i % 256)]);
        }

        Assert.Equal(1, reader.Count);
        Assert.True(reader.TryRead(out byte[]? message));
        Assert.Equal((byte)(999 % 256), message![0]);
        JsonElement history = JsonDocument.Parse(hub.History.Message()).RootElement;
        Assert.Equal("history", history.GetProperty("type").GetString());
        Assert.Equal(Enumerable.Range(1000 - PointHistory.Capacity, PointHistory.Capacity),
            history.GetProperty("points").EnumerateArray().Select(p => p.GetInt32()));
        hub.Unsubscribe(id);
        Assert.Equal(0, hub.Clients);
        Assert.True(reader.Completion.IsCompleted);
    }
}
