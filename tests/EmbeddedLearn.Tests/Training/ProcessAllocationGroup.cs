using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Tests that count the whole process's allocations (<c>GC.GetTotalAllocatedBytes(precise: true)</c>, so
/// worker threads count too) run in this collection, alone: a test running in parallel would allocate into the
/// same counter.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessAllocationGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide allocation counting";
}
