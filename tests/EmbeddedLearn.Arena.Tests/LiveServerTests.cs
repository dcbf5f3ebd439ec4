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

    private static LiveServer Start()
    {
        var server = new LiveServer(new ArenaOptions(TurretsPerGroup: 4, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 1, ForagersPerGroup: 8),
            IPAddress.Loopback, port: 0, log: null);
        server.Start();
        return server;
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
