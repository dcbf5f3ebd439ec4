using EmbeddedLearn.Components;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>What a containment run of shared models recorded (SharedModelBehaviourTests), to compare two backends'.</summary>
internal sealed class Contained
{
    /// <summary>Each tick's waiting entities, by id.</summary>
    public List<int[]> Waiting { get; } = [];

    /// <summary>Each tick's <see cref="SharedModelState"/> of every brain.</summary>
    public List<SharedModelState> States { get; } = [];

    /// <summary>Losses, outputs and parameters, in the order they were recorded.</summary>
    public List<float> Values { get; } = [];

    /// <summary>Every brain's counters after the last tick.</summary>
    public TrainingState[] Counters { get; set; } = [];
}
