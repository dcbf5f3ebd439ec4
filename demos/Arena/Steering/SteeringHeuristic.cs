namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The hand-written steering controller the learners are measured against. It wants to go straight to its goal; each
/// hazard nearer than the goal and within <see cref="AvoidRange"/> of its edge pushes it away and around (toward the
/// goal's side), a wall within <see cref="WallRange"/> pushes it back, each push growing linearly to
/// <see cref="Push"/> at contact. It turns toward the resulting direction (proportionally, fully when it lies behind),
/// thrusts when that direction is nearly ahead, coasts when it is off to the side and brakes when it is behind.
/// </summary>
internal static class SteeringHeuristic
{
    /// <summary>Distances at which a hazard's edge and a wall start to push (field units), and the push at contact.</summary>
    public const float AvoidRange = 0.1f, WallRange = 0.08f, Push = 1.5f;

    /// <summary>Turn rate and thrust, each in [-1, 1], for agent <paramref name="i"/> of <paramref name="group"/>.</summary>
    public static (float Turn, float Thrust) Act(SteeringGroup group, int i, SteeringField field)
    {
        float x = group.X[i], y = group.Y[i], goal = group.GoalDistance[i];
        (float gx, float gy) = SteeringMath.Normalize(group.GoalX[i] - x, group.GoalY[i] - y);
        float dx = gx, dy = gy;
        for (int h = 0; h < SteeringField.HazardCount; h++)
        {
            float ax = x - field.HazardX[h], ay = y - field.HazardY[h], centre = MathF.Sqrt((ax * ax) + (ay * ay));
            float edge = centre - field.HazardRadius[h] - SteeringField.AgentRadius;
            if (edge >= AvoidRange || centre >= goal)
            {
                continue;
            }

            float w = Push * (AvoidRange - MathF.Max(edge, 0)) / AvoidRange;
            (ax, ay) = SteeringMath.Normalize(ax, ay);
            (float tx, float ty) = (-ay, ax);
            float side = (tx * gx) + (ty * gy) >= 0 ? 1 : -1;
            dx += w * (ax + (side * tx));
            dy += w * (ay + (side * ty));
        }

        dx += Wall(x) - Wall(1 - x);
        dy += Wall(y) - Wall(1 - y);
        (dx, dy) = SteeringMath.Normalize(dx, dy);
        float hx = group.HeadingX[i], hy = group.HeadingY[i];
        float cross = (hx * dy) - (hy * dx), dot = (hx * dx) + (hy * dy);
        float turn = dot < 0 ? (cross >= 0 ? 1 : -1) : Math.Clamp(4 * cross, -1, 1);
        float thrust = dot > 0.8f ? 1 : dot > 0.3f ? 0 : -1;
        return (turn, thrust);
    }

    /// <summary>The push of a wall at distance <paramref name="distance"/>.</summary>
    private static float Wall(float distance) => distance < WallRange ? Push * (WallRange - distance) / WallRange : 0;
}
