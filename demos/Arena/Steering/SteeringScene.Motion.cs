namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>The motion: placing agents and goals, moving them, the rewards of a frame, and what an agent sees.</summary>
internal sealed partial class SteeringScene
{
    /// <summary>Distances at which observations saturate: the goal's, a hazard edge's, an obstacle's along a ray (field units).</summary>
    private const float GoalScale = 0.5f, HazardScale = 0.25f, RayScale = 0.3f;

    /// <summary>Places the group's agents at their starts (the same in every group) with their first goals.</summary>
    private void Populate(SteeringGroup group)
    {
        for (int i = 0; i < group.Count; i++)
        {
            (group.X[i], group.Y[i], group.HeadingX[i], group.HeadingY[i]) = Field.Start(i);
            NextGoal(group, i);
            Observe(group, i, group.Observation.AsSpan(i * ObservationWidth, ObservationWidth));
        }

        for (int k = 0; k < group.Trail.Length; k += 2)
        {
            (group.Trail[k], group.Trail[k + 1]) = (group.X[k / (2 * SteeringGroup.TrailLength)], group.Y[k / (2 * SteeringGroup.TrailLength)]);
        }
    }

    /// <summary>Gives agent <paramref name="i"/> its next goal.</summary>
    private void NextGoal(SteeringGroup group, int i)
    {
        (group.GoalX[i], group.GoalY[i], group.GoalDx[i], group.GoalDy[i]) = Field.Goal(i, group.GoalIndex[i]++);
        float dx = group.GoalX[i] - group.X[i], dy = group.GoalY[i] - group.Y[i];
        group.GoalDistance[i] = MathF.Sqrt((dx * dx) + (dy * dy));
    }

    /// <summary>One frame of a group (see the class summary): agents turn, speed up or slow down and move; goals
    /// drift, turning back from walls and hazards; rewards and contacts are counted.</summary>
    private void Step(SteeringGroup group)
    {
        const float r = SteeringField.AgentRadius;
        for (int i = 0; i < group.Count; i++)
        {
            float turn = Math.Clamp(group.Turn[i], -1, 1), thrust = Math.Clamp(group.Thrust[i], -1, 1);
            (float hx, float hy) = SteeringMath.Rotate(group.HeadingX[i], group.HeadingY[i], turn * MaxTurnRate * FrameSeconds);
            (hx, hy) = SteeringMath.Normalize(hx, hy);
            (group.HeadingX[i], group.HeadingY[i]) = (hx, hy);
            float speed = Math.Clamp(group.Speed[i] + (thrust * Acceleration * FrameSeconds), 0, MaxSpeed);
            float x = group.X[i] + (hx * speed * FrameSeconds), y = group.Y[i] + (hy * speed * FrameSeconds);
            if (x < r || x > 1 - r || y < r || y > 1 - r)
            {
                (x, y, speed) = (Math.Clamp(x, r, 1 - r), Math.Clamp(y, r, 1 - r), 0);
                group.Reward[i] -= WallPenalty;
                group.WallFrames++;
            }

            (group.X[i], group.Y[i], group.Speed[i]) = (x, y, speed);
            Field.NearestHazard(x, y, out float edge);
            if (edge < r)
            {
                group.Reward[i] -= HazardPenalty;
                group.HazardFrames++;
            }

            MoveGoal(group, i);
            float dx = group.GoalX[i] - x, dy = group.GoalY[i] - y, distance = MathF.Sqrt((dx * dx) + (dy * dy));
            group.Reward[i] += ProgressScale * (group.GoalDistance[i] - distance);
            group.GoalDistance[i] = distance;
            if (distance < GoalRadius)
            {
                group.Reward[i] += GoalBonus;
                group.GoalsReached++;
                NextGoal(group, i);
            }
        }
    }

    /// <summary>Drifts agent <paramref name="i"/>'s goal; near a wall or a hazard it turns away (keeping
    /// <see cref="SteeringField.Clearance"/> / 2 from both).</summary>
    private void MoveGoal(SteeringGroup group, int i)
    {
        const float margin = SteeringField.Clearance / 2;
        float x = group.GoalX[i] + (group.GoalDx[i] * GoalSpeed * FrameSeconds), y = group.GoalY[i] + (group.GoalDy[i] * GoalSpeed * FrameSeconds);
        if (x < margin || x > 1 - margin)
        {
            group.GoalDx[i] = -group.GoalDx[i];
            x = group.GoalX[i];
        }

        if (y < margin || y > 1 - margin)
        {
            group.GoalDy[i] = -group.GoalDy[i];
            y = group.GoalY[i];
        }

        int h = Field.NearestHazard(x, y, out float edge);
        if (edge < margin)
        {
            (group.GoalDx[i], group.GoalDy[i]) = SteeringMath.Normalize(x - Field.HazardX[h], y - Field.HazardY[h]);
            (x, y) = (group.GoalX[i], group.GoalY[i]);
        }

        (group.GoalX[i], group.GoalY[i]) = (x, y);
    }

    /// <summary>What agent <paramref name="i"/> sees now, in its own frame (forward along its heading, left across it),
    /// into <paramref name="observation"/>: [0, 1] the direction to its goal (a unit vector), [2] the distance to it
    /// (saturating at 0.5), [3] its speed, [4, 5] the direction to the centre of the nearest hazard, [6] the distance to
    /// that hazard's edge (saturating at 0.25; -1 when touching), [7..11] the distance to the first obstacle (a wall or a
    /// hazard) along five rays: 90 and 45 degrees to the left, straight ahead, 45 and 90 degrees to the right (saturating
    /// at 0.3). Distances and speed map [0, scale] to [-1, 1].</summary>
    internal void Observe(SteeringGroup group, int i, Span<float> observation)
    {
        float x = group.X[i], y = group.Y[i], hx = group.HeadingX[i], hy = group.HeadingY[i];
        (float gx, float gy) = SteeringMath.Normalize(group.GoalX[i] - x, group.GoalY[i] - y);
        observation[0] = (gx * hx) + (gy * hy);
        observation[1] = (gy * hx) - (gx * hy);
        observation[2] = SteeringMath.Unit(group.GoalDistance[i], GoalScale);
        observation[3] = SteeringMath.Unit(group.Speed[i], MaxSpeed);
        int h = Field.NearestHazard(x, y, out float edge);
        (float cx, float cy) = SteeringMath.Normalize(Field.HazardX[h] - x, Field.HazardY[h] - y);
        observation[4] = (cx * hx) + (cy * hy);
        observation[5] = (cy * hx) - (cx * hy);
        observation[6] = SteeringMath.Unit(edge - SteeringField.AgentRadius, HazardScale);
        const float c = SteeringMath.Sqrt1_2;
        observation[7] = SteeringMath.Unit(Field.ObstacleDistance(x, y, -hy, hx), RayScale);
        observation[8] = SteeringMath.Unit(Field.ObstacleDistance(x, y, c * (hx - hy), c * (hx + hy)), RayScale);
        observation[9] = SteeringMath.Unit(Field.ObstacleDistance(x, y, hx, hy), RayScale);
        observation[10] = SteeringMath.Unit(Field.ObstacleDistance(x, y, c * (hx + hy), c * (hy - hx)), RayScale);
        observation[11] = SteeringMath.Unit(Field.ObstacleDistance(x, y, hy, -hx), RayScale);
    }
}
