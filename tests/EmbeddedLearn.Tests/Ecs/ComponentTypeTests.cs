using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class ComponentTypeTests
{
    [Fact]
    public void Struct_component_is_interned_with_its_size()
    {
        ComponentType type = ComponentType.Of<Position>();
        Assert.Same(type, ComponentType.Of<Position>());
        Assert.Equal(typeof(Position), type.ClrType);
        Assert.False(type.IsRuntimeSized);
        Assert.Equal(8, type.ByteSize);
        Assert.Equal(1, type.ElementCount);
        Assert.NotEqual(type.Id, ComponentType.Of<Velocity>().Id);
    }

    [Fact]
    public void Run_time_component_named_like_a_struct_does_not_replace_the_struct_component()
    {
        // Registered before NameClash is first used as a component.
        ComponentType array = ComponentType.Array<float>(typeof(NameClash).FullName!, 1);
        ComponentType clash = ComponentType.Of<NameClash>();
        Assert.NotSame(array, clash);
        Assert.Equal(typeof(NameClash), clash.ClrType);
        Assert.False(clash.IsRuntimeSized);

        using var world = new World();
        Entity e = world.Create(new NameClash { Value = 2.5f });
        Assert.False(world.Has(e, array));
        Assert.Equal(2.5f, world.Get<NameClash>(e).Value);
    }

    [Fact]
    public void Run_time_component_may_share_a_struct_name_registered_earlier()
    {
        ComponentType late = ComponentType.Of<NameClashLate>();
        Assert.Equal(3, new NameClashLate(3).Value);
        ComponentType array = ComponentType.Array<int>(typeof(NameClashLate).FullName!, 2);
        Assert.NotSame(late, array);
        Assert.True(array.IsRuntimeSized);
        Assert.Same(late, ComponentType.Of<NameClashLate>());
        Assert.Same(array, ComponentType.Array<int>(typeof(NameClashLate).FullName!, 2));
    }
}
