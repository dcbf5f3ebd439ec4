namespace EmbeddedLearn.Demos.Arena;

/// <summary>The primitives the arena is drawn with, by the page's canvas and by SkiaSharp alike.</summary>
internal enum DrawKind
{
    /// <summary>A filled rectangle: A, B = top-left corner; C, D = width, height.</summary>
    FillRect = 0,

    /// <summary>A filled circle: A, B = centre; C = radius.</summary>
    FillCircle = 1,

    /// <summary>A circle outline: A, B = centre; C = radius; D = stroke width.</summary>
    Ring = 2,
}
