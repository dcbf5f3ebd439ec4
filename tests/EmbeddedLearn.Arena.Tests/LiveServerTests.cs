using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The server without a browser: its WebSocket, the history it sends first, its replies, and whom it refuses.</summary>
public sealed class LiveServerTests
{
    [Fact]
    public async Task A_client_gets_the_history_then_states_and_a_reply_to_each_control()
    {
        using LiveServer server = Start();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(SocketUri(server), CancellationToken.None);

        Assert.Equal("history", (await ReceiveAsync(client)).GetProperty("type").GetString());
        await SendAsync(client, """{"type":"budget","ms":99}""");
        await SendAsync(client, """{"type":"pause"}""");
        List<JsonElement> replies = await RepliesAsync(client, 2);

        Assert.Equal("error", replies[0].GetProperty("type").GetString());
        Assert.Equal("budget: \"ms\" must be a number in [0.1, 16.6]; got 99", replies[0].GetProperty("message").GetString());
        Assert.Equal("ok", replies[1].GetProperty("type").GetString());
        Assert.Equal("Pause", replies[1].GetProperty("control").GetString());
    }

    [Fact]
    public async Task A_page_can_open_the_other_scene_and_an_unknown_scene_is_refused()
    {
        using LiveServer server = Start();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(SocketUri(server) + "?scene=foragers"), CancellationToken.None);

        Assert.Equal("history", (await ReceiveAsync(client)).GetProperty("type").GetString());
        JsonElement state = await ReceiveAsync(client);
        Assert.Equal("foragers", state.GetProperty("scene").GetString());
        Assert.Equal(3, state.GetProperty("groups").GetArrayLength());
        await SendAsync(client, """{"type":"greedy","value":true}""");
        Assert.Equal("Greedy", (await RepliesAsync(client, 1))[0].GetProperty("control").GetString());

        using var unknown = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => unknown.ConnectAsync(new Uri(SocketUri(server) + "?scene=dragons"), CancellationToken.None));
        Assert.Contains("404", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_from_another_origin_is_refused()
    {
        using LiveServer server = Start();
        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Origin", "http://elsewhere.example");

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(SocketUri(server), CancellationToken.None));

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_random_group_refuses_a_learning_rate_and_a_reset_saying_why()
    {
        using LiveServer server = Start();
        using ClientWebSocket client = await ConnectAsync(server, "foragers");

        await SendAsync(client, """{"type":"learningRate","group":2,"value":0.01}""");
        await SendAsync(client, """{"type":"reset","group":2}""");
        await SendAsync(client, """{"type":"learningRate","group":1,"value":0.01}""");
        await SendAsync(client, """{"type":"addTurrets","group":0,"count":1}""");
        List<JsonElement> replies = await RepliesAsync(client, 4);

        Assert.Equal("error", replies[0].GetProperty("type").GetString());
        Assert.Equal("learningRate: group 2 (G3, Random moves (baseline)) moves at random and has no model, so no learning rate",
            replies[0].GetProperty("message").GetString());
        Assert.Equal("error", replies[1].GetProperty("type").GetString());
        Assert.Equal("reset: group 2 (G3, Random moves (baseline)) moves at random and has no model to reset", replies[1].GetProperty("message").GetString());
        Assert.Equal("ok", replies[2].GetProperty("type").GetString());
        Assert.Equal("addTurrets: the foragers scene has no turrets", replies[3].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("turrets", 0, "0.02", "Adam lr 0.01, 4-16-16-2 tanh", "Adam lr 0.02, 4-16-16-2 tanh")]
    [InlineData("turrets", 1, "0.1", "SGD lr 0.05 m 0.9, 4-16-16-2 tanh", "SGD lr 0.1 m 0.9, 4-16-16-2 tanh")]
    [InlineData("foragers", 1, "0.001", "Double-DQN 6-32-4 relu, Adam lr 0.003", "Double-DQN 6-32-4 relu, Adam lr 0.001")]
    public async Task A_groups_title_follows_a_learning_rate_change(string scene, int group, string rate, string before, string after)
    {
        using LiveServer server = Start();
        using ClientWebSocket client = await ConnectAsync(server, scene);
        Assert.Equal(before, (await StateAsync(client)).GetProperty("groups")[group].GetProperty("name").GetString());

        await SendAsync(client, "{\"type\":\"learningRate\",\"group\":" + group + ",\"value\":" + rate + "}");
        JsonElement state = await StateAsync(client, s => s.GetProperty("groups")[group].GetProperty("name").GetString() != before);

        Assert.Equal(after, state.GetProperty("groups")[group].GetProperty("name").GetString());
        Assert.Equal(double.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), state.GetProperty("groups")[group].GetProperty("learningRate").GetDouble(), 6);
    }

    [Fact]
    public async Task A_groups_colour_is_the_same_in_both_scenes_and_in_the_drawing()
    {
        using LiveServer server = Start();
        using ClientWebSocket turrets = await ConnectAsync(server, "turrets");
        using ClientWebSocket foragers = await ConnectAsync(server, "foragers");
        JsonElement[] states = [await StateAsync(turrets), await StateAsync(foragers)];

        uint[][] colours = [.. states.Select(s => s.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("colour").GetUInt32()).ToArray())];
        Assert.Equal(colours[0], colours[1]);
        Assert.Equal(3, colours[0].Distinct().Count());
        foreach (JsonElement state in states)
        {
            // Each group's bar over its block in the drawing: a filled rectangle of the group's colour.
            double[] draw = [.. state.GetProperty("draw").EnumerateArray().Select(v => v.GetDouble())];
            var rectangles = Enumerable.Range(0, draw.Length / 6).Where(i => draw[6 * i] == (int)DrawKind.FillRect).Select(i => (uint)draw[(6 * i) + 5]).ToHashSet();
            Assert.All(colours[0], c => Assert.Contains(c, rectangles));
        }
    }

    [Fact]
    public async Task A_scene_a_page_opened_is_disposed_once_its_last_page_closes()
    {
        using LiveServer server = Start(TimeSpan.FromMilliseconds(200));
        ClientWebSocket first = await ConnectAsync(server, "foragers");
        await StateAsync(first);
        GameLoop loop = Assert.IsType<GameLoop>(server.Running("foragers"));
        var live = Assert.IsType<EmbeddedLearn.Demos.Arena.Foragers.ForagerLive>(loop.Scene);

        // Two pages on it: the first one leaving keeps it running.
        using ClientWebSocket second = await ConnectAsync(server, "foragers");
        await CloseAsync(first);
        await Task.Delay(600);
        Assert.Same(loop, server.Running("foragers"));
        Assert.False(loop.IsDisposed);

        // The last one leaving: its loop, world and pipelines are disposed; the --scene one runs on.
        await CloseAsync(second);
        await WaitUntilAsync(() => loop.IsDisposed);
        Assert.Null(server.Running("foragers"));
        Assert.True(live.Scene.World.IsDisposed);
        Assert.True(live.Scene.Learning.IsDisposed);
        GameLoop primary = Assert.IsType<GameLoop>(server.Running("turrets"));
        Assert.False(primary.IsDisposed);

        // A page that comes later gets a fresh scene.
        using ClientWebSocket third = await ConnectAsync(server, "foragers");
        await StateAsync(third);
        Assert.NotSame(loop, server.Running("foragers"));
    }

    [Fact]
    public async Task A_page_that_reloads_within_the_delay_finds_its_scene_still_there()
    {
        using LiveServer server = Start(TimeSpan.FromSeconds(30));
        ClientWebSocket first = await ConnectAsync(server, "foragers");
        await StateAsync(first);
        GameLoop? loop = server.Running("foragers");
        await CloseAsync(first);

        using ClientWebSocket again = await ConnectAsync(server, "foragers");
        await StateAsync(again);
        Assert.Same(loop, server.Running("foragers"));
        Assert.False(loop!.IsDisposed);
    }

    private static LiveServer Start(TimeSpan? releaseDelay = null)
    {
        var server = new LiveServer(new ArenaOptions(TurretsPerGroup: 4, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 1, ForagersPerGroup: 8),
            IPAddress.Loopback, port: 0, log: null)
        { ReleaseDelay = releaseDelay ?? TimeSpan.FromSeconds(5) };
        server.Start();
        return server;
    }

    private static async Task<ClientWebSocket> ConnectAsync(LiveServer server, string scene)
    {
        var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(SocketUri(server) + "?scene=" + scene), CancellationToken.None);
        Assert.Equal("history", (await ReceiveAsync(client)).GetProperty("type").GetString());
        return client;
    }

    private static async Task CloseAsync(ClientWebSocket client)
    {
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        client.Dispose();
    }

    /// <summary>The next state message (that satisfies <paramref name="wanted"/>, when given).</summary>
    private static async Task<JsonElement> StateAsync(ClientWebSocket client, Func<JsonElement, bool>? wanted = null)
    {
        while (true)
        {
            JsonElement message = await ReceiveAsync(client);
            if (message.GetProperty("type").GetString() == "state" && (wanted is null || wanted(message)))
            {
                return message;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "timed out");
            await Task.Delay(50);
        }
    }

    private static Uri SocketUri(LiveServer server) => new(server.Address.Replace("http://", "ws://", StringComparison.Ordinal) + "ws");

    private static Task SendAsync(ClientWebSocket client, string json) =>
        client.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<List<JsonElement>> RepliesAsync(ClientWebSocket client, int count)
    {
        var replies = new List<JsonElement>();
        while (replies.Count < count)
        {
            JsonElement message = await ReceiveAsync(client);
            if (message.GetProperty("type").GetString() != "state")
            {
                replies.Add(message);
            }
        }

        return replies;
    }

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket client)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var message = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await client.ReceiveAsync(buffer, cancel.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement;
    }
}
