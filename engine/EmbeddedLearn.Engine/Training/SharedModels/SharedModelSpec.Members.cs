using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.SharedModels;

/// <summary>Members: joining, leaving, and their samples and outputs on the brain.</summary>
public sealed partial class SharedModelSpec
{
    /// <summary>
    /// Makes <paramref name="member"/> (any live entity that is not yet a member of a shared model) a member of
    /// <paramref name="brain"/>: it takes the lowest free slot, with zero samples and outputs, and from the next tick its
    /// samples train the brain and it reads its outputs. Adds <see cref="SharedMember"/> to the member (a structural
    /// change: not while a query runs).
    /// </summary>
    /// <returns>The member's slot.</returns>
    /// <exception cref="ArgumentException">The brain is full (the message names the brain, the member and the
    /// capacity), or the member already belongs to a shared model; nothing changes.</exception>
    /// <exception cref="InvalidOperationException">The brain or the member is not alive, or the brain is not a brain
    /// of this spec.</exception>
    public int Join(World world, Entity brain, Entity member)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("SharedModelSpec.Join");
        RequireBrain(world, brain);
        if (!world.IsAlive(member))
        {
            throw new InvalidOperationException(member + " is not alive (destroyed, or a stale handle); it cannot join " + brain + ".");
        }

        if (world.TryGet(member, out SharedMember existing))
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0} is already a member of {1} (slot {2}); it must leave before joining {3}.", member, existing.Brain, existing.Slot, brain),
                nameof(member));
        }

        Span<int> slots = world.GetSpan<int>(brain, Slots);
        int slot = 0;
        while (slot < Capacity && slots[slot * SlotFields] != 0)
        {
            slot++;
        }

        if (slot == Capacity)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0} cannot join {1}: its {2} member slots are all taken ({3}).", member, brain, Capacity, this), nameof(brain));
        }

        ClearSlot(world, brain, slot);
        world.Add(member, new SharedMember { Brain = brain, Slot = slot });
        slots = world.GetSpan<int>(brain, Slots); // the member may have been the brain itself: spans move with it
        slots[slot * SlotFields] = member.Id + 1;
        slots[(slot * SlotFields) + 1] = member.Version;
        world.Get<SharedModelState>(brain).Members++;
        return slot;
    }

    /// <summary>Takes <paramref name="member"/> out of its brain: its slot is freed (samples and outputs zeroed) and
    /// <see cref="SharedMember"/> removed. Call it before destroying a member; a destroyed member's slot would keep
    /// training on its last samples. A structural change: not while a query runs.</summary>
    /// <exception cref="InvalidOperationException">The member is not alive or not a member of a brain of this spec.</exception>
    public void Leave(World world, Entity member)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("SharedModelSpec.Leave");
        SharedMember link = RequireMember(world, member);
        ClearSlot(world, link.Brain, link.Slot);
        Span<int> slots = world.GetSpan<int>(link.Brain, Slots);
        slots[link.Slot * SlotFields] = 0;
        slots[(link.Slot * SlotFields) + 1] = 0;
        world.Get<SharedModelState>(link.Brain).Members--;
        world.Remove<SharedMember>(member);
    }

    /// <summary>The member's next inputs <c>[b, in]</c>, row-major, on its brain, for the game to write. A NaN or
    /// infinite value leaves the member (alone) out of the next tick.</summary>
    /// <exception cref="InvalidOperationException">The member is not alive or not a member of a brain of this spec.</exception>
    public Span<float> Inputs(World world, Entity member)
    {
        SharedMember link = RequireMember(world, member);
        return world.GetSpan<float>(link.Brain, MemberSamples).Slice(link.Slot * SlotSampleWidth, MemberBatch * Model.Layout.InputWidth);
    }

    /// <summary>The member's next targets <c>[b, out]</c>, row-major, on its brain, for the game to write.</summary>
    /// <exception cref="InvalidOperationException">The member is not alive or not a member of a brain of this spec.</exception>
    public Span<float> Targets(World world, Entity member)
    {
        SharedMember link = RequireMember(world, member);
        int inputs = MemberBatch * Model.Layout.InputWidth;
        return world.GetSpan<float>(link.Brain, MemberSamples).Slice((link.Slot * SlotSampleWidth) + inputs, MemberBatch * Model.Layout.OutputWidth);
    }

    /// <summary>The member's outputs <c>[b, out]</c> of its last tick in the batch (the shared parameters before that
    /// tick's step, as the forward pass of a PyTorch module before <c>optimizer.step()</c>).</summary>
    /// <exception cref="InvalidOperationException">The member is not alive or not a member of a brain of this spec.</exception>
    public ReadOnlySpan<float> Outputs(World world, Entity member)
    {
        SharedMember link = RequireMember(world, member);
        int width = MemberBatch * Model.Layout.OutputWidth;
        return world.GetSpan<float>(link.Brain, MemberOutputs).Slice(link.Slot * width, width);
    }

    private void ClearSlot(World world, Entity brain, int slot)
    {
        world.GetSpan<float>(brain, MemberSamples).Slice(slot * SlotSampleWidth, SlotSampleWidth).Clear();
        int width = MemberBatch * Model.Layout.OutputWidth;
        world.GetSpan<float>(brain, MemberOutputs).Slice(slot * width, width).Clear();
        world.GetSpan<int>(brain, Slots)[(slot * SlotFields) + 2] = -1;
    }

    private void RequireBrain(World world, Entity brain)
    {
        if (!world.IsAlive(brain))
        {
            throw new InvalidOperationException(brain + " is not alive (destroyed, or a stale handle).");
        }

        if (!world.Has(brain, Slots))
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} is not a brain of {1} (no component {2}).", brain, this, Slots.Name));
        }
    }

    private SharedMember RequireMember(World world, Entity member)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!world.IsAlive(member))
        {
            throw new InvalidOperationException(member + " is not alive (destroyed, or a stale handle).");
        }

        if (!world.TryGet(member, out SharedMember link))
        {
            throw new InvalidOperationException(member + " is not a member of a shared model (no SharedMember component).");
        }

        RequireBrain(world, link.Brain);
        return link;
    }
}
