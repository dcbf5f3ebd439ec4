using System.Buffers.Binary;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Reads a PNG file's size from its header (and checks the signature).</summary>
internal static class Png
{
    public static (int Width, int Height) Size(string path)
    {
        byte[] header = File.ReadAllBytes(path)[..24];
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, header[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }
}
