using System.Diagnostics;

namespace EmbeddedLearn.Training;

/// <summary>Time-slicing training under <see cref="PipelineOptions.TrainingBudget"/>: a rotating window of blocks
/// trains each tick, sized from the measured cost of a trained block and of an inference-only block.</summary>
public sealed partial class TrainingPipeline
{
    /// <summary>Weight of the newest measurement in the running cost estimates.</summary>
    private const double CostSmoothing = 0.25;

    /// <summary>Share of the budget planned for, leaving room for the variation between ticks.</summary>
    private const double BudgetHeadroom = 0.85;

    private int _trainCursor;
    private int _trainStart;
    private int _trainCount;
    private int _segmentTrained = -1;
    private double _trainCost = -1;
    private double _inferCost;
    private long _trainTicks;
    private long _inferTicks;
    private int _trainBlocks;
    private int _inferBlocks;

    /// <summary>Whether block <paramref name="index"/> trains in the current segment.</summary>
    private bool Trains(int index) => (index - _trainStart + _rangeCount) % Math.Max(1, _rangeCount) < _trainCount;

    /// <summary>Chooses the window of blocks that train in this segment and counts their trainable entities.</summary>
    private void PlanTraining()
    {
        _trainStart = _rangeCount == 0 ? 0 : _trainCursor % _rangeCount;
        _trainCount = _rangeCount;
        if (Options.TrainingBudget is TimeSpan budget && _rangeCount > 0)
        {
            if (_trainCost < 0)
            {
                // No measurement yet: start with a few blocks per thread rather than risk a long first tick.
                _trainCount = Math.Min(_rangeCount, _pool.ThreadCount * 2);
            }
            else
            {
                double available = budget.TotalSeconds * Stopwatch.Frequency * _pool.ThreadCount * BudgetHeadroom;
                double extra = Math.Max(_trainCost - _inferCost, 1);
                double fits = (available - (_inferCost * _rangeCount)) / extra;
                _trainCount = (int)Math.Clamp(Math.Floor(fits), 1, _rangeCount);
            }

            _trainCursor = _trainStart + _trainCount;
        }

        int trained = 0;
        for (int i = 0; i < _rangeCount; i++)
        {
            if (Trains(i) && _ranges[i].Archetype.Signature.ContainsAll(_rangeSpecs[i].PlainSignature))
            {
                trained += _ranges[i].Length;
            }
        }

        _segmentTrained = Math.Max(_segmentTrained, trained);
        _trainTicks = _inferTicks = 0;
        _trainBlocks = _inferBlocks = 0;
    }

    /// <summary>Folds this segment's measured block costs into the running estimates.</summary>
    private void UpdateCosts()
    {
        if (Options.TrainingBudget is null)
        {
            return;
        }

        if (_trainBlocks > 0)
        {
            double cost = (double)_trainTicks / _trainBlocks;
            _trainCost = _trainCost < 0 ? cost : _trainCost + (CostSmoothing * (cost - _trainCost));
        }

        if (_inferBlocks > 0)
        {
            _inferCost += CostSmoothing * (((double)_inferTicks / _inferBlocks) - _inferCost);
        }
    }

    /// <summary>Records the time one block took, training or not.</summary>
    private void RecordBlock(bool trained, long ticks)
    {
        if (trained)
        {
            Interlocked.Add(ref _trainTicks, ticks);
            Interlocked.Increment(ref _trainBlocks);
        }
        else
        {
            Interlocked.Add(ref _inferTicks, ticks);
            Interlocked.Increment(ref _inferBlocks);
        }
    }
}
