namespace EmbeddedLearn.Tests.Ecs;

/// A small tag-like component (one byte) used to spread entities over several archetypes.
internal struct Marker
{
    public byte Value;

    public Marker(byte value) => Value = value;
}
