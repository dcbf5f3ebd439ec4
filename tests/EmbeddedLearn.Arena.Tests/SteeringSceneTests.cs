using EmbeddedLearn.Demos.Arena.Steering;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The steering scene frame by frame: the motion (thrust, turn, walls), the rewards (progress, goals, hazards,
/// walls), the goals and starts every group shares, the observation, the heuristic's choices, and zero allocation (the
/// PPO groups' too).</summary>
public sealed class SteeringSceneTests
{
    private const float Dt = 1f / 60f;

    [Fact]
    public void Every_group_starts_its_agents_in_the_same_places_with_the_same_goals_and_the_same_hazards()
    {
        using SteeringScene scene = Scene();
        SteeringGroup a = scene.Groups[0], b = scene.Groups[1];

        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        Assert.Equal(a.HeadingX, b.HeadingX);
        Assert.Equal(a.GoalX, b.GoalX);
        Assert.Equal(a.GoalY, b.GoalY);
        Assert.All(Enumerable.Range(0, a.Count), i => Assert.True(scene.Field.IsClear(a.X[i], a.Y[i], SteeringField.Clearance)));
        Assert.All(Enumerable.Range(0, a.Count), i => Assert.Equal(1f, (a.HeadingX[i] * a.HeadingX[i]) + (a.HeadingY[i] * a.HeadingY[i]), 5));
        Assert.Equal(scene.Field.Goal(3, 0), (a.GoalX[3], a.GoalY[3], a.GoalDx[3], a.GoalDy[3]));
        Assert.NotEqual(scene.Field.Goal(3, 0), scene.Field.Goal(3, 1));
        Assert.NotEqual(new SteeringField(8).HazardX, scene.Field.HazardX);
    }

    [Fact]
    public void Full_thrust_accelerates_to_the_decision_and_a_turn_rotates_the_heading_at_the_turn_rate()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        scene.Frame(); // the decision of frames 1-8; the test's own actions hold for frames 2-8
        (float x, float y) = ClearSpot(scene);
        Place(group, 0, x, y, 1, 0, speed: 0, turn: 0, thrust: 1);
        Place(group, 1, x, y, 1, 0, speed: 0.1f, turn: 1, thrust: 0);

        float expectedX = x, speed = 0;
        for (int f = 0; f < 6; f++)
        {
            scene.Frame();
            speed += SteeringScene.Acceleration * Dt;
            expectedX += speed * Dt;
        }

        Assert.Equal(6 * SteeringScene.Acceleration * Dt, group.Speed[0], 6);
        Assert.Equal(expectedX, group.X[0], 5);
        Assert.Equal(y, group.Y[0]);
        Assert.Equal(0.1f, group.Speed[1]);
        Assert.Equal(MathF.Cos(6 * SteeringScene.MaxTurnRate * Dt), group.HeadingX[1], 5);
        Assert.Equal(MathF.Sin(6 * SteeringScene.MaxTurnRate * Dt), group.HeadingY[1], 5);
    }

    [Fact]
    public void A_wall_stops_the_agent_and_costs_the_wall_penalty_besides_the_progress_reward()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        scene.Frame();
        Place(group, 0, 1 - SteeringField.AgentRadius - 0.001f, 0.02f, 1, 0, speed: SteeringScene.MaxSpeed, turn: 0, thrust: 1);
        float before = group.GoalDistance[0];
        long walls = group.WallFrames;

        scene.Frame();

        Assert.Equal(1 - SteeringField.AgentRadius, group.X[0]);
        Assert.Equal(0f, group.Speed[0]);
        Assert.Equal(walls + 1, group.WallFrames);
        Assert.Equal(-SteeringScene.WallPenalty + (SteeringScene.ProgressScale * (before - group.GoalDistance[0])), group.Reward[0], 5);
    }

    [Fact]
    public void Touching_a_hazard_costs_the_hazard_penalty_every_frame()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        scene.Frame();
        Place(group, 0, scene.Field.HazardX[2], scene.Field.HazardY[2], 1, 0, speed: 0, turn: 0, thrust: 0);
        long hazards = group.HazardFrames;
        float before = group.GoalDistance[0];

        scene.Frame();
        scene.Frame();

        Assert.Equal(hazards + 2, group.HazardFrames);
        Assert.Equal((-2 * SteeringScene.HazardPenalty) + (SteeringScene.ProgressScale * (before - group.GoalDistance[0])), group.Reward[0], 5);
    }

    [Fact]
    public void Reaching_the_goal_pays_the_bonus_and_brings_the_agents_next_goal()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        scene.Frame();
        (float x, float y) = ClearSpot(scene);
        Place(group, 0, x, y, 1, 0, speed: 0, turn: 0, thrust: 0);
        (group.GoalX[0], group.GoalY[0], group.GoalDx[0], group.GoalDy[0]) = (x + 0.02f, y, 1, 0);
        group.GoalDistance[0] = 0.02f;
        long goals = group.GoalsReached, index = group.GoalIndex[0];

        scene.Frame();

        Assert.Equal(goals + 1, group.GoalsReached);
        Assert.Equal(index + 1, group.GoalIndex[0]);
        (float gx, float gy, _, _) = scene.Field.Goal(0, index);
        Assert.Equal((gx, gy), (group.GoalX[0], group.GoalY[0]));
        float reached = 0.02f + (SteeringScene.GoalSpeed * Dt); // the goal drifted away first
        Assert.Equal(SteeringScene.GoalBonus + (SteeringScene.ProgressScale * (0.02f - reached)), group.Reward[0], 4);
    }

    [Fact]
    public void The_observation_is_in_the_agents_frame_and_every_value_stays_in_minus_one_to_one()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        (float x, float y) = ClearSpot(scene);
        Place(group, 0, x, y, 0, 1, speed: SteeringScene.MaxSpeed, turn: 0, thrust: 0);
        (group.GoalX[0], group.GoalY[0]) = (x - 0.25f, y); // heading north: a goal to the west is on the left
        group.GoalDistance[0] = 0.25f;
        float[] observation = new float[SteeringScene.ObservationWidth];

        scene.Observe(group, 0, observation);

        Assert.Equal(0f, observation[0], 6);
        Assert.Equal(1f, observation[1], 6);
        Assert.Equal(0f, observation[2], 6);
        Assert.Equal(1f, observation[3]);
        for (int f = 0; f < 600; f++)
        {
            scene.Frame();
        }

        Assert.All(scene.Groups.SelectMany(g => g.Observation), v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void The_heuristic_turns_toward_a_goal_on_its_left_thrusts_at_one_ahead_and_brakes_for_one_behind()
    {
        using SteeringScene scene = Scene();
        SteeringGroup group = scene.Groups[0];
        (float x, float y) = ClearSpot(scene);
        Place(group, 0, x, y, 1, 0, speed: 0.1f, turn: 0, thrust: 0);

        (float Turn, float Thrust) Toward(float dx, float dy)
        {
            (group.GoalX[0], group.GoalY[0]) = (x + dx, y + dy);
            group.GoalDistance[0] = MathF.Sqrt((dx * dx) + (dy * dy));
            return SteeringHeuristic.Act(group, 0, scene.Field);
        }

        Assert.Equal((0f, 1f), Toward(0.04f, 0));
        (float turn, float thrust) = Toward(0.03f, 0.03f);
        Assert.True(turn > 0.5f, "turn " + turn);
        Assert.Equal(0f, thrust);
        Assert.Equal((-1f, -1f), Toward(-0.04f, -0.001f));
    }

    [Fact]
    public void A_steady_state_frame_of_every_group_allocates_nothing()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 16, seed: 7, decisionFrames: 4);

        // 256 frames: 64 decisions, two rollouts handed to the PPO update and trained.
        long bytes = Allocations.OnThisThread(() => Run(scene, 400), () => Run(scene, 256));

        Assert.Equal(0, bytes);
    }

    /// <summary>A scene of the heuristic and the random group.</summary>
    internal static SteeringScene Scene(int agents = 16, int seed = 7, int decisionFrames = 8) =>
        new([SteeringGroupSpec.Heuristic, SteeringGroupSpec.Random], agents, seed, decisionFrames);

    private static void Run(SteeringScene scene, int frames)
    {
        for (int f = 0; f < frames; f++)
        {
            scene.Frame();
        }
    }

    /// <summary>A spot at least 0.1 from every wall and hazard edge.</summary>
    private static (float X, float Y) ClearSpot(SteeringScene scene)
    {
        for (float x = 0.3f; x < 0.9f; x += 0.01f)
        {
            for (float y = 0.1f; y < 0.9f; y += 0.01f)
            {
                if (scene.Field.IsClear(x, y, 0.1f))
                {
                    return (x, y);
                }
            }
        }

        throw new InvalidOperationException("no clear spot");
    }

    private static void Place(SteeringGroup group, int i, float x, float y, float hx, float hy, float speed, float turn, float thrust)
    {
        (group.X[i], group.Y[i], group.HeadingX[i], group.HeadingY[i], group.Speed[i]) = (x, y, hx, hy, speed);
        (group.Turn[i], group.Thrust[i], group.Reward[i]) = (turn, thrust, 0);
        float dx = group.GoalX[i] - x, dy = group.GoalY[i] - y;
        group.GoalDistance[i] = MathF.Sqrt((dx * dx) + (dy * dy));
    }
}
