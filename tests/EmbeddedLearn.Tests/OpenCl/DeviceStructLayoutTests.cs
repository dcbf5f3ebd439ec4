using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The struct fields device code reads (DeviceStructLayout's defines) are where the host writes them: each
/// field's define is the byte offset at which a value set through its property appears, and the struct's words cover
/// its component.</summary>
public sealed class DeviceStructLayoutTests
{
    private static readonly Dictionary<string, int> Defines = DeviceStructLayout.Header().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(' ')).ToDictionary(parts => parts[1], parts => int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Agent_state_fields_are_at_the_offsets_the_device_reads()
    {
        var state = new QAgentState
        {
            Action = 0x11111111, ActionValue = BitConverter.Int32BitsToSingle(0x22222222), Explored = true,
            Epsilon = BitConverter.Int32BitsToSingle(0x44444444), Decisions = 0x5555555555555555, TargetSyncs = 0x6666666666666666,
            LastSyncStep = 0x7777777777777777, ActRandom = 0x8888888888888888, SampleRandom = 0x9999999999999999,
        };
        byte[] bytes = Bytes(state);
        Assert.Equal(0x11, bytes[Defines["QAGENTSTATE_ACTION"]]);
        Assert.Equal(0x22, bytes[Defines["QAGENTSTATE_ACTIONVALUE"]]);
        Assert.Equal(1, bytes[Defines["QAGENTSTATE_EXPLORED"]]);
        Assert.Equal(0x44, bytes[Defines["QAGENTSTATE_EPSILON"]]);
        Assert.Equal(0x5555555555555555, BitConverter.ToInt64(bytes, Defines["QAGENTSTATE_DECISIONS"]));
        Assert.Equal(0x6666666666666666, BitConverter.ToInt64(bytes, Defines["QAGENTSTATE_TARGETSYNCS"]));
        Assert.Equal(0x7777777777777777, BitConverter.ToInt64(bytes, Defines["QAGENTSTATE_LASTSYNCSTEP"]));
        Assert.Equal(0x8888888888888888, BitConverter.ToUInt64(bytes, Defines["QAGENTSTATE_ACTRANDOM"]));
        Assert.Equal(0x9999999999999999, BitConverter.ToUInt64(bytes, Defines["QAGENTSTATE_SAMPLERANDOM"]));
        Assert.Equal(ComponentType.Of<QAgentState>().ByteSize, 4 * Defines["QAGENTSTATE_WORDS"]);
    }

    [Fact]
    public void Settings_and_replay_state_fields_are_at_the_offsets_the_device_reads()
    {
        QLearningSettings settings = QLearningSettings.Dqn(gamma: 0.5f, doubleDqn: true, targetSyncPeriod: 7, tau: 0.25f, epsilonStart: 0.75f,
            epsilonEnd: 0.125f, epsilonDecayDecisions: 9, minReplay: 11, greedy: true);
        byte[] bytes = Bytes(settings);
        Assert.Equal(0.5f, BitConverter.ToSingle(bytes, Defines["QLEARNINGSETTINGS_GAMMA"]));
        Assert.Equal(1, bytes[Defines["QLEARNINGSETTINGS_DOUBLEDQN"]]);
        Assert.Equal(7, BitConverter.ToInt32(bytes, Defines["QLEARNINGSETTINGS_TARGETSYNCPERIOD"]));
        Assert.Equal(0.25f, BitConverter.ToSingle(bytes, Defines["QLEARNINGSETTINGS_TAU"]));
        Assert.Equal(0.75f, BitConverter.ToSingle(bytes, Defines["QLEARNINGSETTINGS_EPSILONSTART"]));
        Assert.Equal(0.125f, BitConverter.ToSingle(bytes, Defines["QLEARNINGSETTINGS_EPSILONEND"]));
        Assert.Equal(9, BitConverter.ToInt32(bytes, Defines["QLEARNINGSETTINGS_EPSILONDECAYDECISIONS"]));
        Assert.Equal(11, BitConverter.ToInt32(bytes, Defines["QLEARNINGSETTINGS_MINREPLAY"]));
        Assert.Equal(1, bytes[Defines["QLEARNINGSETTINGS_GREEDY"]]);
        Assert.Equal(ComponentType.Of<QLearningSettings>().ByteSize, 4 * Defines["QLEARNINGSETTINGS_WORDS"]);

        byte[] replay = Bytes(new ReplayState { Count = 3, Next = 5, Added = 7, Rejected = 9 });
        Assert.Equal(3, BitConverter.ToInt32(replay, Defines["REPLAYSTATE_COUNT"]));
        Assert.Equal(5, BitConverter.ToInt32(replay, Defines["REPLAYSTATE_NEXT"]));
        Assert.Equal(7, BitConverter.ToInt64(replay, Defines["REPLAYSTATE_ADDED"]));
        Assert.Equal(9, BitConverter.ToInt64(replay, Defines["REPLAYSTATE_REJECTED"]));
        Assert.Equal(ComponentType.Of<ReplayState>().ByteSize, 4 * Defines["REPLAYSTATE_WORDS"]);
    }

    private static byte[] Bytes<T>(T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
}
