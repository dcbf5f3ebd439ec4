using System.Reflection;
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
    public void Every_field_of_the_agent_structs_is_at_the_offset_the_device_reads()
    {
        AssertFields(new QAgentState
        {
            Action = 0x11111111, ActionValue = BitConverter.Int32BitsToSingle(0x22222222), Explored = true,
            Epsilon = BitConverter.Int32BitsToSingle(0x44444444), Decisions = 0x5555555555555555, TargetSyncs = 0x6666666666666666,
            LastSyncStep = 0x7777777777777777, ActRandom = 0x8888888888888888, SampleRandom = 0x9999999999999999,
        });
        AssertFields(QLearningSettings.Dqn(gamma: 0.5f, doubleDqn: true, targetSyncPeriod: 7, tau: 0.25f, epsilonStart: 0.75f,
            epsilonEnd: 0.125f, epsilonDecayDecisions: 9, minReplay: 11, greedy: true));
        AssertFields(new ReplayState { Count = 3, Next = 5, Added = 7, Rejected = 9 });
    }

    [Fact]
    public void Every_field_of_the_shared_model_state_is_at_the_offset_the_device_reads()
    {
        AssertFields(new SharedModelState { Members = 0x11111111, MembersInBatch = 0x22222222, MembersLeftOut = 0x33333333, RowsInBatch = 0x44444444 });
        Assert.Equal(0, Defines["SHAREDMODELSTATE_ROWSINBATCH"] % 4); // the loss loads it as a whole word (SharedMseLoss.cl)
    }

    /// <summary>Each public property or field of <paramref name="sample"/> (all set to distinct non-zero values) appears,
    /// byte for byte, at the offset of its define; the struct's words cover its component.</summary>
    private static void AssertFields<T>(T sample)
        where T : unmanaged
    {
        string prefix = typeof(T).Name.ToUpperInvariant();
        byte[] bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in sample)).ToArray();
        IEnumerable<(string Name, object? Value)> members = typeof(T).GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Select(p => (p.Name, p.GetValue(sample)))
            .Concat(typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public).Select(f => (f.Name, f.GetValue(sample))));
        foreach ((string name, object? member) in members)
        {
            byte[] value = member switch
            {
                bool b => [b ? (byte)1 : (byte)0],
                int i => BitConverter.GetBytes(i),
                float f => BitConverter.GetBytes(f),
                long l => BitConverter.GetBytes(l),
                ulong u => BitConverter.GetBytes(u),
                object other => throw new NotSupportedException(other.GetType().Name),
                null => throw new InvalidOperationException(name),
            };
            int offset = Defines[prefix + "_" + name.ToUpperInvariant()];
            Assert.True(value.AsSpan().SequenceEqual(bytes.AsSpan(offset, value.Length)), typeof(T).Name + "." + name);
        }

        Assert.Equal(ComponentType.Of<T>().ByteSize, 4 * Defines[prefix + "_WORDS"]);
    }
}
