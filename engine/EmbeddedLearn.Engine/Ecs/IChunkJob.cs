namespace EmbeddedLearn.Ecs;

/// <summary>A struct callback over a block of rows of one chunk (Arch's <c>IChunkJob</c>): read the component
/// spans with <see cref="ChunkRange.GetSpan{T}(ComponentType)"/> and loop over them. In parallel queries each
/// worker calls a copy of the job, so the job must not rely on mutating its own fields.</summary>
public interface IChunkJob
{
    /// <summary>Called once per block of rows.</summary>
    void Execute(in ChunkRange range);
}
