using System.Buffers.Binary;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>The game's <see cref="ModelKey"/> as <c>model{g}.key</c>, I64 <c>[N]</c>, for groups of keyed entities.</summary>
internal sealed class KeyTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "key";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } = [];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Keyed;

    /// <summary>The key stored in <paramref name="row"/>.</summary>
    public static ModelKey Read(ReadOnlySpan<byte> row) => new(BinaryPrimitives.ReadInt64LittleEndian(row));

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row) =>
        BinaryPrimitives.WriteInt64LittleEndian(row, world.Get<ModelKey>(entity).Value);

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group) => null;

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, Read(row));
}
