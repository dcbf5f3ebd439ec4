
namespace EmbeddedLearn.Demos.Arena;

/// <summary>A validated control message: <paramref name="Group"/> for Reset, LearningRate and AddTurrets;
/// <paramref name="Value"/> the learning rate, the budget in ms (null: no budget) or 1/0 for Greedy on/off; <paramref name="Count"/> turrets
/// to add; <paramref name="Backend"/> for Backend.</summary>
internal sealed record ControlCommand(ControlKind Kind, int Group = 0, double? Value = null, int Count = 0, ArenaBackend Backend = ArenaBackend.Cpu);
