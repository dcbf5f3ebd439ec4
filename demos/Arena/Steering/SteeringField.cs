namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The ground every steering group plays on: the unit square, bounded by walls, with circular hazards placed from the
/// seed (the same hazards in every group's field, so the groups are compared on equal ground), and the goals' and
/// starts' positions, which come from a counter-based generator: the k-th goal of agent i is the same in every group
/// whatever the agents did before, so two groups differ only in how their agents steer.
/// </summary>
internal sealed class SteeringField
{
    /// <summary>Hazards in a field.</summary>
    public const int HazardCount = 7;

    /// <summary>Smallest and largest hazard radius, field units.</summary>
    public const float MinHazardRadius = 0.05f, MaxHazardRadius = 0.09f;

    /// <summary>Radius of an agent (it touches a wall or a hazard that close), field units.</summary>
    public const float AgentRadius = 0.01f;

    /// <summary>Closest a goal or a start is placed to a wall or a hazard's edge, field units.</summary>
    public const float Clearance = 0.05f;

    private readonly ulong _seed;

    /// <summary>Places the hazards from <paramref name="seed"/>.</summary>
    public SteeringField(int seed)
    {
        _seed = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        HazardX = new float[HazardCount];
        HazardY = new float[HazardCount];
        HazardRadius = new float[HazardCount];
        for (int h = 0; h < HazardCount; h++)
        {
            HazardRadius[h] = MinHazardRadius + ((MaxHazardRadius - MinHazardRadius) * Uniform(ulong.MaxValue, (ulong)h, 0));
            HazardX[h] = 0.15f + (0.7f * Uniform(ulong.MaxValue, (ulong)h, 1));
            HazardY[h] = 0.15f + (0.7f * Uniform(ulong.MaxValue, (ulong)h, 2));
        }
    }

    public float[] HazardX { get; }

    public float[] HazardY { get; }

    public float[] HazardRadius { get; }

    /// <summary>Index of the hazard whose edge is nearest to (x, y), and the distance from (x, y) to that edge (negative
    /// inside it).</summary>
    public int NearestHazard(float x, float y, out float edge)
    {
        int best = 0;
        edge = float.MaxValue;
        for (int h = 0; h < HazardCount; h++)
        {
            float dx = x - HazardX[h], dy = y - HazardY[h], e = MathF.Sqrt((dx * dx) + (dy * dy)) - HazardRadius[h];
            if (e < edge)
            {
                (best, edge) = (h, e);
            }
        }

        return best;
    }

    /// <summary>Whether (x, y) is at least <paramref name="clearance"/> from every wall and hazard edge.</summary>
    public bool IsClear(float x, float y, float clearance)
    {
        if (x < clearance || x > 1 - clearance || y < clearance || y > 1 - clearance)
        {
            return false;
        }

        NearestHazard(x, y, out float edge);
        return edge >= clearance;
    }

    /// <summary>Distance from (x, y) along the unit direction (dx, dy) to the first obstacle: a wall, or a hazard's edge
    /// widened by the agent's radius (0 inside one).</summary>
    public float ObstacleDistance(float x, float y, float dx, float dy)
    {
        float nearest = WallDistance(x, y, dx, dy);
        for (int h = 0; h < HazardCount; h++)
        {
            float ox = HazardX[h] - x, oy = HazardY[h] - y, r = HazardRadius[h] + AgentRadius;
            float along = (ox * dx) + (oy * dy), across = ((ox * ox) + (oy * oy)) - (along * along);
            if ((ox * ox) + (oy * oy) <= r * r)
            {
                return 0; // inside
            }

            if (along > 0 && across < r * r)
            {
                nearest = MathF.Min(nearest, along - MathF.Sqrt((r * r) - across));
            }
        }

        return nearest;
    }

    /// <summary>Distance from (x, y) along the unit direction (dx, dy) to the nearest wall.</summary>
    public static float WallDistance(float x, float y, float dx, float dy)
    {
        float tx = dx > 0 ? (1 - x) / dx : dx < 0 ? -x / dx : float.MaxValue;
        float ty = dy > 0 ? (1 - y) / dy : dy < 0 ? -y / dy : float.MaxValue;
        return MathF.Max(0, MathF.Min(tx, ty));
    }

    /// <summary>The <paramref name="k"/>-th goal of agent <paramref name="agent"/>: a clear position and a unit
    /// direction of travel, the same in every group.</summary>
    public (float X, float Y, float Dx, float Dy) Goal(int agent, long k)
    {
        ulong stream = ((ulong)agent << 1) | 1, draw = (ulong)k << 8;
        (float x, float y) = Clear(stream, draw);
        float angle = Uniform(stream, draw, 255);
        (float dx, float dy) = UnitFromTurns(angle);
        return (x, y, dx, dy);
    }

    /// <summary>Where agent <paramref name="agent"/> starts, and its heading (a unit vector), the same in every group.</summary>
    public (float X, float Y, float Hx, float Hy) Start(int agent)
    {
        ulong stream = (ulong)agent << 1;
        (float x, float y) = Clear(stream, 0);
        (float hx, float hy) = UnitFromTurns(Uniform(stream, 0, 255));
        return (x, y, hx, hy);
    }

    /// <summary>The first clear position of the draws <paramref name="draw"/> + 0, 2, 4, ... of a stream.</summary>
    private (float X, float Y) Clear(ulong stream, ulong draw)
    {
        for (ulong t = 0; ; t += 2)
        {
            float x = Uniform(stream, draw, t), y = Uniform(stream, draw, t + 1);
            if (IsClear(x, y, Clearance) || t >= 200)
            {
                return (x, y);
            }
        }
    }

    /// <summary>A unit vector at <paramref name="turns"/> (0..1) of a full turn, from an octant table and a rotation
    /// polynomial: only IEEE-exact operations, so the same bits on every CPU.</summary>
    private static (float X, float Y) UnitFromTurns(float turns)
    {
        int octant = Math.Min(7, (int)(turns * 8));
        float angle = ((turns * 8) - octant) * (MathF.PI / 4);
        (float x, float y) = SteeringMath.Rotate(1, 0, angle);
        for (int o = 0; o < octant; o++)
        {
            (x, y) = (SteeringMath.Sqrt1_2 * (x - y), SteeringMath.Sqrt1_2 * (x + y));
        }

        return SteeringMath.Normalize(x, y);
    }

    /// <summary>A uniform float in [0, 1) from the seed, a stream, a draw and a sub-draw (SplitMix64).</summary>
    private float Uniform(ulong stream, ulong draw, ulong sub)
    {
        ulong z = unchecked(_seed + (stream * 0xD1B54A32D192ED03UL) + ((draw + sub) * 0x9E3779B97F4A7C15UL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 40) * (1f / (1 << 24));
    }
}
