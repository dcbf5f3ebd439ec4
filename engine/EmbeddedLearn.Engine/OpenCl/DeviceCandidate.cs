namespace EmbeddedLearn.OpenCl;

/// <summary>A device found while probing.</summary>
internal sealed record DeviceCandidate(nint Platform, int PlatformIndex, string PlatformName, nint Device, int DeviceIndex,
    string DeviceName, OpenClDeviceKind Kind);
