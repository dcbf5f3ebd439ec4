using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>One page's WebSocket: the chart history first, then state messages out (from its
/// <see cref="SnapshotHub"/> queue), control messages in. Each control message gets a reply: <c>{"type":"ok","control":...}</c> once queued for the next frame, or
/// <c>{"type":"error","message":...}</c> when it is malformed, too large, out of range or the queue is full; an
/// error changes nothing.</summary>
internal static class ArenaSocket
{
    public static async Task RunAsync(WebSocket socket, GameLoop loop, SnapshotHub hub, CancellationToken stopping)
    {
        (long id, ChannelReader<byte[]> reader) = hub.Subscribe();
        using var sending = new SemaphoreSlim(1);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task sender = Task.CompletedTask;
        try
        {
            await SendAsync(socket, hub.History.Message(), sending, closing.Token).ConfigureAwait(false);
            sender = SendStatesAsync(socket, reader, sending, closing.Token);
            await ReceiveControlsAsync(socket, loop, sending, closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The page went away or the server stops.
        }
        finally
        {
            hub.Unsubscribe(id);
            await closing.CancelAsync().ConfigureAwait(false);
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task SendStatesAsync(WebSocket socket, ChannelReader<byte[]> reader, SemaphoreSlim sending,
        CancellationToken token)
    {
        await foreach (byte[] message in reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            await SendAsync(socket, message, sending, token).ConfigureAwait(false);
        }
    }

    private static async Task ReceiveControlsAsync(WebSocket socket, GameLoop loop, SemaphoreSlim sending, CancellationToken token)
    {
        byte[] message = new byte[ControlParser.MaxBytes];
        byte[] chunk = new byte[1024];
        int length = 0;
        while (socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(chunk, token).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, token).ConfigureAwait(false);
                return;
            }

            if (length + result.Count <= message.Length)
            {
                chunk.AsSpan(0, result.Count).CopyTo(message.AsSpan(length));
            }

            length = (int)Math.Min((long)length + result.Count, int.MaxValue); // only the size of an oversized one matters
            if (result.EndOfMessage)
            {
                byte[] reply = Handle(message.AsSpan(0, Math.Min(length, message.Length)), length, result.MessageType, loop);
                await SendAsync(socket, reply, sending, token).ConfigureAwait(false);
                length = 0;
            }
        }
    }

    /// <summary>The reply to one control message of <paramref name="length"/> bytes (only the first
    /// <see cref="ControlParser.MaxBytes"/> are kept).</summary>
    private static byte[] Handle(ReadOnlySpan<byte> kept, int length, WebSocketMessageType type, GameLoop loop)
    {
        string? error;
        ControlCommand? command = null;
        if (type != WebSocketMessageType.Text)
        {
            error = "control messages are JSON text, not binary";
        }
        else if (length > ControlParser.MaxBytes)
        {
            error = "message too large: " + length + " bytes, at most " + ControlParser.MaxBytes;
        }
        else
        {
            command = loop.Parse(kept, out error);
            if (command is not null && !loop.TryEnqueue(command))
            {
                (command, error) = (null, "too many controls queued; try again");
            }
        }

        var reply = new Dictionary<string, string?> { ["type"] = command is null ? "error" : "ok" };
        reply[command is null ? "message" : "control"] = command is null ? error : command.Kind.ToString();
        return JsonSerializer.SerializeToUtf8Bytes(reply);
    }

    private static async Task SendAsync(WebSocket socket, byte[] message, SemaphoreSlim sending, CancellationToken token)
    {
        await sending.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, token).ConfigureAwait(false);
        }
        finally
        {
            sending.Release();
        }
    }
}
