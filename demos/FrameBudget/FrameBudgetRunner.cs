using EmbeddedLearn.Backends;
using System.Diagnostics;
using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>Simulates a game loop around the training pipeline and measures what a tick costs.</summary>
internal static class FrameBudgetRunner
{
    public static FrameBudgetResult Run(int entities, ModelLayout layout, int batch, int threads, string backend, int ticks, int warmup, double? budgetMs,
        bool unfused, bool measureStages, int decisionPeriod = 1, string optimizer = "sgd", bool fingerprint = false)
    {
        TrainingSettings settings = Settings(optimizer);
        ModelSpec spec = ModelSpec.Get(layout, batch);
        using var world = new World();
        world.Reserve(spec.PlainSignature, entities);
        for (int i = 0; i < entities; i++)
        {
            Entity entity = spec.Spawn(world, settings, (ulong)i);
            if (decisionPeriod > 1)
            {
                // Phases in contiguous groups, so each tick's due agents are long runs of rows.
                world.Add(entity, new DecisionPeriod { Period = decisionPeriod, Phase = (int)((long)i * decisionPeriod / entities) });
            }
        }

        var inferred = new ServeCounterStage(inference: true, entities);
        var trainedCounter = new ServeCounterStage(inference: false, entities);

        var write = new WriteSamplesSystem(spec);
        var read = new ReadOutputsSystem(spec);
        var options = new PipelineOptions
        {
            Threads = threads,
            MeasureStages = measureStages,
            TrainingBudget = budgetMs is double ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
        OpenClBackend? device = backend == "opencl" ? OpenClBackend.Create(new OpenClSelection { AllowCpuDevice = true }) : null;
        if (device is not null)
        {
            device.FuseStages = !unfused;
        }

        List<IPipelineStage> stageList = TrainingPipeline.DefaultStages();
        bool counting = device is null && (budgetMs is not null || decisionPeriod > 1);
        if (counting)
        {
            stageList.AddRange([inferred, trainedCounter]); // per-agent service counts (custom stages run on the CPU only)
        }

        // Auto: both executors timed on this world in the first ticks (within the warm-up), the faster kept.
        using FallbackPipeline? auto = backend == "auto"
            ? TrainingBackends.CreatePipeline(BackendKind.Auto, stageList, options, out _, new OpenClSelection { AllowCpuDevice = true })
            : null;
        TrainingPipeline pipeline = auto?.Pipeline ?? new TrainingPipeline(stageList, options, device); // owns the device
        using TrainingPipeline? owned = auto is null ? pipeline : null;
        Func<World, TickReport> run = auto is null ? pipeline.Run : auto.Run;
        for (int i = 0; i < warmup; i++)
        {
            write.Update(world);
            run(world);
            read.Update(world);
        }

        device = auto is null ? device : auto.OpenClBackend;
        string backendName = (auto is null ? string.Empty : "auto: ")
            + (device is null ? "cpu" : $"opencl ({device.Device.PlatformName}: {device.Device.DeviceName})");

        double[] tickMs = new double[ticks];
        double[] hostMs = new double[ticks];
        double[] frameMs = new double[ticks];
        double[] stageMs = new double[pipeline.Stages.Count];
        long[] deviceNs = new long[OpenClBackend.DeviceTimeSlots.Count];
        long trained = 0;
        long inferredTotal = 0;
        long deferred = 0;
        inferred.Counting = trainedCounter.Counting = true;
        int collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        // The whole process's allocations, worker threads included (precise: exact rather than per allocation context).
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        for (int t = 0; t < ticks; t++)
        {
            long frameStart = Stopwatch.GetTimestamp();
            write.Update(world);
            long tickStart = Stopwatch.GetTimestamp();
            TickReport report = run(world);
            tickMs[t] = Stopwatch.GetElapsedTime(tickStart).TotalMilliseconds;
            read.Update(world);
            frameMs[t] = Stopwatch.GetElapsedTime(frameStart).TotalMilliseconds;
            trained += report.EntitiesTrained;
            inferredTotal += report.EntitiesInferred;
            deferred += report.EntitiesDeferred;
            for (int s = 0; s < stageMs.Length; s++)
            {
                stageMs[s] += report.StageMilliseconds[s];
            }

            hostMs[t] = tickMs[t];
            for (int s = 0; device is not null && s < deviceNs.Length; s++)
            {
                long ns = device.LastTickDeviceNanoseconds(s);
                deviceNs[s] += ns;
                hostMs[t] -= ns / 1e6;
            }
        }

        double totalSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - collections;
        double[] sorted = [.. tickMs.Order()];
        double flop = FlopPerEntityTick(layout, batch);
        double p50 = Percentile(sorted, 0.50);
        double trainedPerTick = (double)trained / ticks;
        double inferredPerTick = (double)inferredTotal / ticks;
        double tickFlop = (flop * trainedPerTick) + (ForwardFlop(layout, batch) * (inferredPerTick - trainedPerTick));
        double gflops = tickFlop / (p50 / 1000) / 1e9;
        double peak = FmaPeak.MeasureGflops(TimeSpan.FromSeconds(1)) * threads;
        var stages = new Dictionary<string, double>();
        for (int s = 0; s < (measureStages ? stageMs.Length : 0); s++)
        {
            stages[pipeline.Stages[s].Name] = stageMs[s] / ticks;
        }

        var deviceMs = new Dictionary<string, double>();
        for (int s = 0; device is not null && s < deviceNs.Length; s++)
        {
            if (deviceNs[s] > 0)
            {
                deviceMs[OpenClBackend.DeviceTimeSlots[s]] = deviceNs[s] / 1e6 / ticks;
            }
        }

        return new FrameBudgetResult
        {
            Entities = entities,
            Layout = layout.ToString(),
            Batch = batch,
            Threads = threads,
            Backend = backendName,
            Kernels = device is null ? null : OpenClSelection.KernelsName(device.Kernels),
            Simd = CpuExecutor.SimdPath,
            Optimizer = optimizer,
            Fingerprint = fingerprint ? ModelFingerprint.Of(world) : null,
            BackendChoice = auto?.Description,
            // The tick's own time beyond its device kernels, tick by tick: what the host adds (gathering, transfers,
            // outcomes, waiting on launches), the median over the measured ticks.
            HostMs = device is null ? null : Percentile([.. hostMs.Order()], 0.50),
            Ticks = ticks,
            MinMs = sorted[0],
            P50Ms = p50,
            P95Ms = Percentile(sorted, 0.95),
            P99Ms = Percentile(sorted, 0.99),
            MaxMs = sorted[^1],
            FrameP50Ms = Percentile([.. frameMs.Order()], 0.50),
            StageMs = stages,
            DeviceMs = deviceMs,
            AllocatedBytesPerTick = (double)allocated / ticks,
            GcCollections = collections,
            EntitiesPerSecond = trained / tickMs.Sum() * 1000,
            EntitiesTrainedPerTick = trainedPerTick,
            FlopPerEntityTick = flop,
            Gflops = gflops,
            FmaPeakGflops = peak,
            ShareOfPeak = gflops / peak,
            BudgetMs = budgetMs,
            TicksOverBudget = budgetMs is double b ? tickMs.Count(ms => ms > b) : 0,
            DecisionPeriod = decisionPeriod,
            EntitiesInferredPerTick = inferredPerTick,
            EntitiesDeferredPerTick = (double)deferred / ticks,
            InferredPerAgent = counting ? [inferred.Counts.Min(), inferred.Counts.Max()] : [],
            TrainedPerAgent = counting ? [trainedCounter.Counts.Min(), trainedCounter.Counts.Max()] : [],
        };
    }

    /// <summary>The settings of every entity for <c>--optimizer</c>: SGD lr 0.01, Adam or AdamW lr 0.001 (PyTorch's
    /// defaults otherwise).</summary>
    public static TrainingSettings Settings(string optimizer) => optimizer switch
    {
        "sgd" => TrainingSettings.Sgd(0.01f),
        "adam" => TrainingSettings.Adam(0.001f),
        "adamw" => TrainingSettings.AdamW(0.001f),
        _ => throw new ArgumentException("--optimizer must be sgd, adam or adamw; got '" + optimizer + "'.", nameof(optimizer)),
    };

    /// <summary>FLOPs of one training tick of one entity: forward <c>2 B M</c>, weight gradients <c>2 B M</c>,
    /// input gradients of every layer but the first, biases, and the SGD update (2 per parameter), where M is the
    /// multiply-adds of one sample's forward pass. Activation functions are not counted.</summary>
    public static double FlopPerEntityTick(ModelLayout layout, int batch)
    {
        double macs = 0;
        double innerMacs = 0;
        double biases = 0;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            double m = (double)layout.LayerInput(l) * layout.LayerOutput(l);
            macs += m;
            innerMacs += l > 0 ? m : 0;
            biases += layout.LayerOutput(l);
        }

        return (2 * batch * (macs + macs + innerMacs)) + (2 * batch * biases) + (2.0 * layout.ParameterCount);
    }

    /// <summary>FLOPs of one entity's forward pass alone (what an entity that does not train this tick costs).</summary>
    public static double ForwardFlop(ModelLayout layout, int batch)
    {
        double flop = 0;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            flop += 2.0 * batch * layout.LayerOutput(l) * (layout.LayerInput(l) + 1);
        }

        return flop;
    }

    public static string Table(FrameBudgetResult r)
    {
        var lines = new List<string>
        {
            string.Format(CultureInfo.InvariantCulture, "swarm {0}, batch {1}, {2} entities, {3} thread(s), backend {4}, {5} ticks",
                r.Layout, r.Batch, r.Entities, r.Threads, r.Backend, r.Ticks),
            string.Format(CultureInfo.InvariantCulture, "tick      min {4,8:F3} ms   p50 {0,8:F3} ms   p95 {1,8:F3} ms   p99 {2,8:F3} ms   max {3,8:F3} ms",
                r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs, r.MinMs),
            string.Format(CultureInfo.InvariantCulture, "frame     p50 {0,8:F3} ms (game writes samples + training tick + game reads outputs)", r.FrameP50Ms),
        };
        foreach ((string stage, double ms) in r.StageMs)
        {
            lines.Add(string.Format(CultureInfo.InvariantCulture, "  stage {0,-10} {1,8:F3} ms/tick (summed over threads)", stage, ms));
        }

        foreach ((string slot, double ms) in r.DeviceMs)
        {
            lines.Add(string.Format(CultureInfo.InvariantCulture, "  device {0,-10} {1,8:F3} ms/tick (OpenCL profiling events)", slot, ms));
        }

        if (r.Kernels is not null)
        {
            lines.Add(string.Format(CultureInfo.InvariantCulture, "kernels: {0}; host {1:F3} ms/tick (p50 of tick minus its device kernel time), {2:F1} ns per entity",
                r.Kernels, r.HostMs, r.HostMs * 1e6 / r.Entities));
        }

        if (r.BackendChoice is not null)
        {
            lines.Add("backend choice: " + r.BackendChoice);
        }

        lines.Add(string.Format(CultureInfo.InvariantCulture, "allocated {0:F1} bytes/tick, GC collections {1}", r.AllocatedBytesPerTick, r.GcCollections));
        lines.Add(string.Format(CultureInfo.InvariantCulture, "throughput {0:N0} trained entity-ticks/s, {1:F0} FLOP/entity/tick, {2:F2} GFLOP/s at p50 = {3:P1} of the measured FMA peak ({4:F1} GFLOP/s on {5} thread(s))",
            r.EntitiesPerSecond, r.FlopPerEntityTick, r.Gflops, r.ShareOfPeak, r.FmaPeakGflops, r.Threads));
        if (r.BudgetMs is double budget)
        {
            lines.Add(string.Format(CultureInfo.InvariantCulture, "budget {0:F2} ms: {1} of {2} ticks over",
                budget, r.TicksOverBudget, r.Ticks));
        }

        lines.Add(string.Format(CultureInfo.InvariantCulture, "decision period {0}: per tick on average {1:F0} inferred, {2:F0} trained, {3:F0} deferred of {4} entities",
            r.DecisionPeriod, r.EntitiesInferredPerTick, r.EntitiesTrainedPerTick, r.EntitiesDeferredPerTick, r.Entities));
        if (r.InferredPerAgent.Length == 2)
        {
            lines.Add(string.Format(CultureInfo.InvariantCulture, "per agent over {0} ticks: inferred min {1} max {2}, trained min {3} max {4}",
                r.Ticks, r.InferredPerAgent[0], r.InferredPerAgent[1], r.TrainedPerAgent[0], r.TrainedPerAgent[1]));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
