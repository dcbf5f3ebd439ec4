using System.Globalization;
using Silk.NET.OpenCL;

namespace EmbeddedLearn.OpenCl;

/// <summary>Lists OpenCL platforms and devices and picks one as an <see cref="OpenClSelection"/> says.</summary>
internal static unsafe class DeviceEnumerator
{
    private const int PlatformNotFound = -1001;

    /// <summary>Every device of the platforms the selection allows; <paramref name="none"/> says why the list is
    /// empty when it is.</summary>
    public static List<DeviceCandidate> List(OpenClApi api, OpenClSelection selection, List<string> seen, out string? none)
    {
        none = null;
        var result = new List<DeviceCandidate>();
        int injected = api.Injected(OpenClOperation.PlatformQuery);
        uint count = 0;
        int error = injected != 0 ? injected : api.Cl.GetPlatformIDs(0, null, &count);
        if (error == PlatformNotFound || (error == 0 && count == 0))
        {
            none = "no OpenCL platform is installed (the ICD loader found none)";
            return result;
        }

        if (error != 0)
        {
            none = "listing OpenCL platforms failed with error " + error.ToString(CultureInfo.InvariantCulture)
                + (injected != 0 ? " (injected)" : string.Empty);
            return result;
        }

        nint[] platforms = new nint[count];
        fixed (nint* p = platforms)
        {
            OpenClApi.Check(api.Cl.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
        }

        for (int pi = 0; pi < platforms.Length; pi++)
        {
            string platformName = api.PlatformString(platforms[pi], PlatformInfo.Name);
            if (!Matches(pi, platformName, selection.PlatformIndex, selection.PlatformName))
            {
                seen.Add(string.Format(CultureInfo.InvariantCulture, "platform {0} '{1}' (not selected)", pi, platformName));
                continue;
            }

            AddDevices(api, platforms[pi], pi, platformName, seen, result);
        }

        if (result.Count == 0)
        {
            none = selection.PlatformName is not null || selection.PlatformIndex is not null
                ? "no OpenCL platform matches the selection (" + Describe(selection.PlatformIndex, selection.PlatformName) + ")"
                : "the OpenCL platforms expose no device";
        }

        return result;
    }

    /// <summary>The device to use, or null with <paramref name="why"/>.</summary>
    public static DeviceCandidate? Choose(List<DeviceCandidate> candidates, OpenClSelection selection, out string? why)
    {
        why = null;
        if (selection.NamesDevice)
        {
            DeviceCandidate? named = candidates.FirstOrDefault(c => Matches(c.DeviceIndex, c.DeviceName, selection.DeviceIndex, selection.DeviceName));
            if (named is null)
            {
                why = "no OpenCL device matches the selection (" + Describe(selection.DeviceIndex, selection.DeviceName) + ")";
            }

            return named;
        }

        DeviceCandidate? pick = candidates.FirstOrDefault(c => c.Kind == OpenClDeviceKind.Gpu)
            ?? candidates.FirstOrDefault(c => c.Kind == OpenClDeviceKind.Accelerator)
            ?? (selection.AllowCpuDevice ? candidates.FirstOrDefault(c => c.Kind == OpenClDeviceKind.Cpu) : null);
        if (pick is null)
        {
            why = "no OpenCL device of the wanted type: no GPU or accelerator"
                + (selection.AllowCpuDevice ? " or CPU device" : " (OpenCL CPU devices are used only when allowed or when OpenCL is chosen explicitly)")
                + "; found: " + string.Join(", ", candidates.Select(c => c.Kind + " '" + c.DeviceName + "'"));
        }

        return pick;
    }

    private static void AddDevices(OpenClApi api, nint platform, int platformIndex, string platformName, List<string> seen, List<DeviceCandidate> result)
    {
        uint count = 0;
        int error = api.Cl.GetDeviceIDs(platform, DeviceType.All, 0, null, &count);
        if (error != 0 || count == 0)
        {
            seen.Add(string.Format(CultureInfo.InvariantCulture, "platform {0} '{1}': no device (error {2})", platformIndex, platformName, error));
            return;
        }

        nint[] devices = new nint[count];
        fixed (nint* d = devices)
        {
            OpenClApi.Check(api.Cl.GetDeviceIDs(platform, DeviceType.All, count, d, null), "clGetDeviceIDs");
        }

        for (int di = 0; di < devices.Length; di++)
        {
            string name = api.DeviceString(devices[di], DeviceInfo.Name);
            var type = (DeviceType)api.DeviceValue<ulong>(devices[di], DeviceInfo.Type);
            OpenClDeviceKind kind = type.HasFlag(DeviceType.Gpu) ? OpenClDeviceKind.Gpu
                : type.HasFlag(DeviceType.Accelerator) ? OpenClDeviceKind.Accelerator
                : type.HasFlag(DeviceType.Cpu) ? OpenClDeviceKind.Cpu
                : OpenClDeviceKind.Unknown;
            seen.Add(string.Format(CultureInfo.InvariantCulture, "platform {0} '{1}', device {2} '{3}' ({4})", platformIndex, platformName, di, name, kind));
            result.Add(new DeviceCandidate(platform, platformIndex, platformName, devices[di], di, name, kind));
        }
    }

    private static bool Matches(int index, string name, int? wantedIndex, string? wantedName) =>
        (wantedIndex is null || wantedIndex == index)
        && (wantedName is null || name.Contains(wantedName, StringComparison.OrdinalIgnoreCase));

    private static string Describe(int? index, string? name) =>
        index is not null ? "index " + index.Value.ToString(CultureInfo.InvariantCulture) : "name containing '" + name + "'";
}
