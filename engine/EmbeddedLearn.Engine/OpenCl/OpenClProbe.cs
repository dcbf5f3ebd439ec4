namespace EmbeddedLearn.OpenCl;

/// <summary>Finds out, without ever throwing, whether the OpenCL backend can run here: loads the OpenCL library,
/// lists platforms and devices, picks one as an <see cref="OpenClSelection"/> says and builds the kernels on it.</summary>
public static class OpenClProbe
{
    /// <summary>Probes as <paramref name="options"/> says (default: a GPU or accelerator, environment variables
    /// honoured) and returns the device chosen, or why none is (missing library, no platform, no device of the
    /// wanted type, kernels failing to build with the build log). Never throws.</summary>
    public static OpenClProbeResult Probe(OpenClSelection? options = null)
    {
        OpenClProbeResult result = OpenClDevice.TryCreate(options ?? new OpenClSelection(), out OpenClDevice? device);
        device?.Dispose();
        return result;
    }
}
