namespace EmbeddedLearn.Demos.Soak;

/// <summary>What a soak run does: ticks, models, churn per tick, bad data, checkpoint period, where checkpoints go.</summary>
/// <param name="Ticks">Ticks to run.</param>
/// <param name="Entities">Learning entities alive at any time.</param>
/// <param name="Churn">Entities despawned and as many spawned every tick.</param>
/// <param name="BadFraction">Share of entities fed NaN or infinite samples on a tick.</param>
/// <param name="CheckpointEvery">Ticks between checkpoints (save, then load into a fresh world and go on from it).</param>
/// <param name="ReportEvery">Ticks between memory samples.</param>
/// <param name="Folder">Folder of the checkpoint file.</param>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="AutosaveEvery">Ticks between background autosaves of the run without checkpoints.</param>
internal sealed record SoakOptions(int Ticks, int Entities, int Churn, double BadFraction, int CheckpointEvery, int ReportEvery, string Folder, int Seed,
    int AutosaveEvery = 100);
