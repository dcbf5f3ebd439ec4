namespace EmbeddedLearn.Demos.Arena;

/// <summary>One primitive in canvas pixels (see <see cref="DrawKind"/> for what A-D mean); colour as 0xAARRGGBB.</summary>
internal readonly record struct DrawCommand(DrawKind Kind, float A, float B, float C, float D, uint Colour);
