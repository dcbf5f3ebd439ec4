namespace EmbeddedLearn.Ecs;

/// <summary>Where an entity slot's data lives: its archetype and row, and the slot's current version.</summary>
internal struct EntityRecord
{
    public Archetype? Archetype;
    public int Index;
    public int Version;
}
