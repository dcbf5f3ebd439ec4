using System.Runtime.InteropServices;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// A stable key the game gives a model entity (a plain component it owns: a turret's id in its save game, an NPC's
/// name hash), so that after <see cref="Checkpoint.Load"/> it can find which new entity holds which of its models
/// (<see cref="LoadedCheckpoint.TryGetEntity"/>). Entity handles are not stable across a save and a load; this key is.
/// Keys must be unique among the models of one world when it is saved.
/// </summary>
/// <param name="Value">The game's key, any 64-bit value.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ModelKey(long Value);
