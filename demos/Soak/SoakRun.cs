using System.Diagnostics;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Soak;

/// <summary>
/// The soak: two worlds fed the same calls tick after tick, with entities despawned and spawned every tick and bad data
/// for a share of them (NaN or infinity); one of them
/// is saved to a checkpoint every few ticks and continued from a fresh world loaded from it. Meanwhile other threads do
/// what a game's do (<see cref="SoakThreads"/>): autosave the other world and read and poke at it during its ticks. It
/// samples memory as it goes, counts exceptions (there should be none: bad data and divergence are contained, not
/// thrown), checks at every sample that no output is non-finite and that every quarantined model holds finite
/// parameters, and at the end compares every model of the two worlds bit for bit.
/// </summary>
internal static class SoakRun
{
    public static SoakResult Run(SoakOptions options, Action<MemorySample>? progress = null)
    {
        using var checkpointed = new SoakWorld(new World(), []);
        using var reference = new SoakWorld(new World(), []);
        var random = new Random(options.Seed);
        long nextKey = 0;
        for (int i = 0; i < options.Entities; i++, nextKey++)
        {
            checkpointed.Spawn(nextKey);
            reference.Spawn(nextKey);
        }

        string path = Path.Combine(options.Folder, "soak.safetensors");
        var memory = new List<MemorySample>();
        int exceptions = 0, checkpoints = 0;
        long leftOut = 0, skipped = 0, unsafeModels = 0;
        long badSeed = options.Seed * 31L;
        bool Bad(long key, int tick) => new SoakRandom((ulong)(badSeed ^ (key * 131) ^ ((long)tick << 32))).NextSingle() < options.BadFraction;
        var keys = new List<long>(checkpointed.ByKey.Keys);
        var clock = Stopwatch.StartNew();
        using var threads = new SoakThreads(reference, Path.Combine(options.Folder, "autosave.safetensors"), options.Entities);
        for (int tick = 1; tick <= options.Ticks; tick++)
        {
            try
            {
                lock (threads.Turn)
                {
                    for (int c = 0; c < options.Churn; c++)
                    {
                        int slot = random.Next(keys.Count);
                        checkpointed.Despawn(keys[slot]);
                        reference.Despawn(keys[slot]);
                        checkpointed.Spawn(nextKey);
                        reference.Spawn(nextKey);
                        keys[slot] = nextKey++;
                    }

                    checkpointed.WriteSamples(tick, Bad);
                    reference.WriteSamples(tick, Bad);
                }

                var report = checkpointed.Run();
                leftOut += report.LeftOut.Length;
                skipped += report.StepsSkipped.Length;
                reference.Run(); // while the other threads save, read and poke at it

                if (tick % options.AutosaveEvery == 0)
                {
                    threads.Autosave();
                }
                if (tick % options.CheckpointEvery == 0)
                {
                    checkpointed.SaveAndReload(path);
                    checkpoints++;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                exceptions++;
                Console.Error.WriteLine($"tick {tick}: {ex.GetType().Name}: {ex.Message}");
            }

            if (tick % options.ReportEvery == 0 || tick == options.Ticks)
            {
                unsafeModels += checkpointed.CountUnsafe();
                var sample = new MemorySample(tick, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0,
                    Environment.WorkingSet / 1048576.0, checkpointed.ByKey.Count,
                    checkpointed.World.CountEntities(new QueryDescription().WithAll<Quarantined>()));
                memory.Add(sample);
                progress?.Invoke(sample);
            }
        }

        threads.Stop();
        int differing = reference.ByKey.Keys.Count(key => !checkpointed.SameModel(reference, key));
        return new SoakResult(memory, exceptions, leftOut, skipped, checkpoints, reference.ByKey.Count, differing, clock.Elapsed.TotalSeconds)
        {
            UnsafeModels = unsafeModels,
            Autosaves = threads.Autosaves,
            ThreadFailures = threads.Failures,
            Refused = threads.Refused,
        };
    }
}
