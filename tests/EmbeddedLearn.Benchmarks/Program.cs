using System.Diagnostics;
using BenchmarkDotNet.Running;

namespace EmbeddedLearn.Benchmarks;

public static class Program
{
    /// <summary>BenchmarkDotNet, or <c>quick</c>: the best of 200 timed ticks of each kernel benchmark (robust to a
    /// busy machine).</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
        {
            var b = new KernelBenchmarks();
            b.Setup();
            for (int pass = 0; pass < 2; pass++)
            {
                _print = pass == 1;
                QuickAll(b);
            }

            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static bool _print;

    private static void QuickAll(KernelBenchmarks b)
    {
        {
            Quick("tick", () => b.KernelTick());
            Quick("tick, one hot entity", () => b.KernelTickHot());
            Micro.Run(Quick);
            Quick("forward", b.KernelForward);
            Quick("backward", b.KernelBackward);
        }
    }

    private static void Quick(string name, Action run)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 200; r++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / 1024);
        }

        if (_print)
        {
            Console.WriteLine($"{name}: {best * 1000:F0} ns per entity (best of 200 x 1,024)");
        }
    }
}
