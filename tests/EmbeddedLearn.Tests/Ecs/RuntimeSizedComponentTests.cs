using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class RuntimeSizedComponentTests
{
    private static readonly ComponentType Params = ComponentType.Array<float>("rt-tests.params", 5);
    private static readonly ComponentType Grads = ComponentType.Array<float>("rt-tests.grads", 5);
    private static readonly ComponentType Big = ComponentType.Array<float>("rt-tests.big", 300);

    [Fact]
    public void Array_component_has_run_time_shape_and_is_interned()
    {
        Assert.True(Params.IsRuntimeSized);
        Assert.Equal(4, Params.ElementSize);
        Assert.Equal(5, Params.ElementCount);
        Assert.Equal(20, Params.ByteSize);
        Assert.Same(Params, ComponentType.Array<float>("rt-tests.params", 5));
        Assert.Equal("rt-tests.params[5 x Single]", Params.ToString());
    }

    [Fact]
    public void Registering_same_name_with_other_shape_throws()
    {
        // The name must be registered first (as 5 floats, by this class's static field), whichever test runs first: a
        // test that touches no static field need not run the field initialisers before its own registration.
        Assert.Equal("rt-tests.params[5 x Single]", Params.ToString());
        var ex = Assert.Throws<ArgumentException>(() => ComponentType.Array<float>("rt-tests.params", 6));
        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ComponentType.Array<double>("rt-tests.params", 5));
        Assert.Throws<ArgumentException>(() => ComponentType.Array<float>("rt-tests.zero", 0));
    }

    [Fact]
    public void GetSpan_Set_Has_round_trip()
    {
        using var world = new World();
        Entity e = world.Create(Params);
        Assert.True(world.Has(e, Params));
        Assert.False(world.Has(e, Grads));
        Assert.Equal([0f, 0f, 0f, 0f, 0f], world.GetSpan<float>(e, Params).ToArray());
        world.Set<float>(e, Params, [1, 2, 3, 4, 5]);
        Assert.Equal([1f, 2f, 3f, 4f, 5f], world.GetSpan<float>(e, Params).ToArray());
        world.GetSpan<float>(e, Params)[2] = 30;
        Assert.Equal(30f, world.GetSpan<float>(e, Params)[2]);
        Assert.Equal(20, world.GetBytes(e, Params).Length);
    }

    [Fact]
    public void Set_with_wrong_length_throws_ArgumentException_and_keeps_values()
    {
        using var world = new World();
        Entity e = world.Create(Params);
        world.Set<float>(e, Params, [1, 2, 3, 4, 5]);
        var ex = Assert.Throws<ArgumentException>(() => world.Set<float>(e, Params, [1, 2, 3]));
        Assert.Contains("holds 5 elements; 3 were given", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1f, 2f, 3f, 4f, 5f], world.GetSpan<float>(e, Params).ToArray());
    }

    [Fact]
    public void GetSpan_with_wrong_element_size_throws()
    {
        using var world = new World();
        Entity e = world.Create(Params);
        var ex = Assert.Throws<InvalidOperationException>(() => world.GetSpan<double>(e, Params).Length);
        Assert.Contains("elements of 4 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8-byte elements", ex.Message, StringComparison.Ordinal);
        Chunk chunk = world.GetArchetype(e).GetChunk(0);
        Assert.Throws<InvalidOperationException>(() => chunk.GetSpan<byte>(Params).Length);
        Assert.Equal(5, chunk.GetSpan<int>(Params).Length);
    }

    [Fact]
    public void Missing_array_component_throws_naming_entity_and_component()
    {
        using var world = new World();
        Entity e = world.Create(Params);
        var ex = Assert.Throws<InvalidOperationException>(() => world.GetSpan<float>(e, Grads).Length);
        Assert.Contains(e.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("rt-tests.grads", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_with_values_and_Remove_keep_other_array_values()
    {
        using var world = new World();
        Entity e = world.Create(Params, ComponentType.Of<Health>());
        world.Set<float>(e, Params, [1, 2, 3, 4, 5]);
        world.Set(e, new Health(8));
        world.Add<float>(e, Grads, [10, 20, 30, 40, 50]);
        Assert.Equal([1f, 2f, 3f, 4f, 5f], world.GetSpan<float>(e, Params).ToArray());
        Assert.Equal([10f, 20f, 30f, 40f, 50f], world.GetSpan<float>(e, Grads).ToArray());
        world.Remove(e, Params);
        Assert.False(world.Has(e, Params));
        Assert.Equal([10f, 20f, 30f, 40f, 50f], world.GetSpan<float>(e, Grads).ToArray());
        Assert.Equal(8, world.Get<Health>(e).Value);
        world.Add(e, Params);
        Assert.Equal([0f, 0f, 0f, 0f, 0f], world.GetSpan<float>(e, Params).ToArray());
    }

    [Fact]
    public void Add_with_wrong_length_throws_and_entity_stays_put()
    {
        using var world = new World();
        Entity e = world.Create(Params);
        Archetype before = world.GetArchetype(e);
        Assert.Throws<ArgumentException>(() => world.Add<float>(e, Grads, [1, 2]));
        Assert.Same(before, world.GetArchetype(e));
        Assert.False(world.Has(e, Grads));
    }

    [Fact]
    public void Large_array_values_survive_swap_remove_across_chunks()
    {
        using var world = new World();
        Entity[] all = world.Create(new Signature(Big), 200);
        Archetype archetype = world.GetArchetype(all[0]);
        Assert.True(archetype.ChunkCount >= 3);
        for (int i = 0; i < all.Length; i++)
        {
            world.GetSpan<float>(all[i], Big).Fill(i);
        }

        Entity middle = all[archetype.ChunkCapacity + 3];
        world.Add(middle, new Health(1));
        world.Destroy(all[1]);
        Assert.All(world.GetSpan<float>(middle, Big).ToArray(), v => Assert.Equal(archetype.ChunkCapacity + 3, v));
        for (int i = 2; i < all.Length; i++)
        {
            float[] values = world.GetSpan<float>(all[i], Big).ToArray();
            Assert.Equal(300, values.Length);
            Assert.All(values, v => Assert.Equal(i, v));
        }
    }
}
