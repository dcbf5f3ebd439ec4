using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>The field: placing agents, food and hunters, moving them, meals and catches, and what an agent sees.</summary>
internal sealed partial class ForagersScene
{
    private const float FoodScale = 8f, HunterScale = 4f;

    /// <summary>Places the group's food, hunters and agents (and spawns the learning agents' models).</summary>
    private void Populate(ForagerGroup group)
    {
        for (int f = 0; f < group.FoodX.Length; f++)
        {
            (group.FoodX[f], group.FoodY[f]) = (_random.NextSingle(), _random.NextSingle());
        }

        for (int h = 0; h < group.HunterX.Length; h++)
        {
            (group.HunterX[h], group.HunterY[h]) = (_random.NextSingle(), _random.NextSingle());
        }

        for (int i = 0; i < group.Count; i++)
        {
            (group.X[i], group.Y[i]) = (_random.NextSingle(), _random.NextSingle());
            Span<float> observation = group.Observation.AsSpan(i * ObservationWidth, ObservationWidth);
            Observe(group, i, observation);
            if (group.Spec.Learns)
            {
                group.Agents[i] = Spawn(group, i);
            }
        }
    }

    /// <summary>A fresh model for agent <paramref name="index"/>, seeded from the scene's seed, the group, its resets
    /// and the index, holding the agent's current observation.</summary>
    private Entity Spawn(ForagerGroup group, int index)
    {
        ulong seed = unchecked(((ulong)Seed * 0x9E3779B97F4A7C15UL) + ((ulong)group.Index << 40) + ((ulong)group.Resets << 24) + (ulong)index);
        Entity agent = ForagerLearning.Spawn(_world, group, seed, Greedy);
        ForagerLearning.WriteObservation(_world, group, agent, group.Observation.AsSpan(index * ObservationWidth, ObservationWidth));
        return agent;
    }

    /// <summary>One frame of a field: agents move (walls stop them), each costing <see cref="FrameReward"/>; hunters
    /// chase the nearest agent not yet caught and catch it within <see cref="CatchRadius"/>; agents within
    /// <see cref="EatRadius"/> of their nearest food eat it, and it regrows at a random place.</summary>
    private void Step(ForagerGroup group)
    {
        for (int i = 0; i < group.Count; i++)
        {
            if (group.Done[i])
            {
                continue;
            }

            switch (group.Action[i])
            {
                case 0: group.Y[i] = MathF.Min(1, group.Y[i] + Speed); break;
                case 1: group.Y[i] = MathF.Max(0, group.Y[i] - Speed); break;
                case 2: group.X[i] = MathF.Max(0, group.X[i] - Speed); break;
                default: group.X[i] = MathF.Min(1, group.X[i] + Speed); break;
            }

            group.Reward[i] += FrameReward;
        }

        for (int h = 0; h < group.HunterX.Length; h++)
        {
            Hunt(group, h);
        }

        for (int i = 0; i < group.Count; i++)
        {
            if (group.Done[i])
            {
                continue;
            }

            int f = group.NearestFood(group.X[i], group.Y[i], out float squared);
            if (squared <= EatRadius * EatRadius)
            {
                group.Reward[i] += EatReward;
                group.Eaten++;
                (group.FoodX[f], group.FoodY[f]) = (_random.NextSingle(), _random.NextSingle());
                group.FoodGeneration[f]++;
            }
        }
    }

    private static void Hunt(ForagerGroup group, int h)
    {
        if (group.HunterRest[h] > 0)
        {
            group.HunterRest[h]--;
            return;
        }

        int prey = -1;
        float best = float.MaxValue, hx = group.HunterX[h], hy = group.HunterY[h];
        for (int i = 0; i < group.Count; i++)
        {
            float dx = group.X[i] - hx, dy = group.Y[i] - hy, d = (dx * dx) + (dy * dy);
            if (!group.Done[i] && d < best)
            {
                (prey, best) = (i, d);
            }
        }

        if (prey < 0)
        {
            return;
        }

        float distance = MathF.Sqrt(best), step = MathF.Min(HunterSpeed, distance);
        if (distance > 0)
        {
            group.HunterX[h] = hx + (step * (group.X[prey] - hx) / distance);
            group.HunterY[h] = hy + (step * (group.Y[prey] - hy) / distance);
        }

        if (distance - step <= CatchRadius)
        {
            group.Done[prey] = true;
            group.Reward[prey] += CaughtReward;
            group.Caught++;
            group.HunterRest[h] = HunterRestFrames;
        }
    }

    /// <summary>What agent <paramref name="i"/> sees now (see the class summary), into <paramref name="observation"/>;
    /// also remembers the nearest food as the one it heads for.</summary>
    private static void Observe(ForagerGroup group, int i, Span<float> observation)
    {
        float x = group.X[i], y = group.Y[i];
        int f = group.NearestFood(x, y, out float foodSquared);
        group.Target[i] = f;
        group.TargetGeneration[i] = group.FoodGeneration[f];
        group.TargetDistance[i] = MathF.Sqrt(foodSquared);
        int h = group.NearestHunter(x, y, out _);
        observation[0] = Math.Clamp((group.FoodX[f] - x) * FoodScale, -1, 1);
        observation[1] = Math.Clamp((group.FoodY[f] - y) * FoodScale, -1, 1);
        observation[2] = Math.Clamp((group.HunterX[h] - x) * HunterScale, -1, 1);
        observation[3] = Math.Clamp((group.HunterY[h] - y) * HunterScale, -1, 1);
        observation[4] = (2 * x) - 1;
        observation[5] = (2 * y) - 1;
    }
}
