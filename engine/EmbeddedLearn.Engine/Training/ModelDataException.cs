using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// Thrown by <see cref="TrainingPipeline.Run(World)"/> before a tick changes anything, when an entity's data
/// cannot be trained on: NaN or infinity in its inputs or targets, settings out of range, or optimizer state
/// missing for its optimizer. Names the entity and the component.
/// </summary>
public sealed class ModelDataException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ModelDataException(Entity entity, string component, string message)
        : base(message)
    {
        Entity = entity;
        Component = component;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ModelDataException(string message)
        : base(message)
    {
        Component = string.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ModelDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        Component = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public ModelDataException()
        : this("Invalid model data.")
    {
    }

    /// <summary>The entity whose data is invalid.</summary>
    public Entity Entity { get; }

    /// <summary>The exception that refuses a tick for <paramref name="entity"/>'s <paramref name="component"/>, its
    /// message naming both and <paramref name="problem"/>.</summary>
    internal static ModelDataException TickRefused(Entity entity, string component, string problem) =>
        new(entity, component, string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0}, component {1}: {2}. The tick was not run; nothing changed.", entity, component, problem));

    /// <summary>The name of the component holding the invalid value.</summary>
    public string Component { get; }
}
