using System.Text;
using Silk.NET.OpenCL;

namespace EmbeddedLearn.OpenCl;

/// <summary>The OpenCL entry points with error checks (every failure throws <see cref="OpenClException"/>) and the
/// test fault injector consulted before enqueues and reads.</summary>
internal sealed unsafe class OpenClApi
{
    private readonly IOpenClFaultInjector? _injector;

    public OpenClApi(CL cl, IOpenClFaultInjector? injector)
    {
        Cl = cl;
        _injector = injector;
    }

    public CL Cl { get; }

    /// <summary>Throws when <paramref name="code"/> is an error.</summary>
    public static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new OpenClException(call, code);
        }
    }

    /// <summary>The injected error for <paramref name="operation"/>, or 0.</summary>
    public int Injected(OpenClOperation operation) => _injector?.Inject(operation) ?? 0;

    public string DeviceString(nint device, DeviceInfo info)
    {
        nuint size;
        Check(Cl.GetDeviceInfo(device, info, 0, null, &size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            Check(Cl.GetDeviceInfo(device, info, size, p, null), "clGetDeviceInfo");
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    public string PlatformString(nint platform, PlatformInfo info)
    {
        nuint size;
        Check(Cl.GetPlatformInfo(platform, info, 0, null, &size), "clGetPlatformInfo");
        byte[] bytes = new byte[(int)size];
        fixed (byte* p = bytes)
        {
            Check(Cl.GetPlatformInfo(platform, info, size, p, null), "clGetPlatformInfo");
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    public T DeviceValue<T>(nint device, DeviceInfo info)
        where T : unmanaged
    {
        T value = default;
        Check(Cl.GetDeviceInfo(device, info, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }

    public nint CreateBuffer(nint context, long bytes)
    {
        int error;
        nint buffer = Cl.CreateBuffer(context, MemFlags.ReadWrite, (nuint)Math.Max(bytes, 4), null, &error);
        Check(error, "clCreateBuffer");
        return buffer;
    }

    /// <summary>A buffer of <paramref name="bytes"/> that uses <paramref name="host"/> as its storage
    /// (<c>CL_MEM_USE_HOST_PTR</c>): on a CPU device, reads and writes of it from that memory copy nothing. The memory
    /// must stay pinned, and at least <paramref name="bytes"/> long, for the buffer's life.</summary>
    public nint CreateBuffer(nint context, long bytes, void* host)
    {
        int error;
        nint buffer = Cl.CreateBuffer(context, MemFlags.ReadWrite | MemFlags.UseHostPtr, (nuint)Math.Max(bytes, 4), host, &error);
        Check(error, "clCreateBuffer");
        return buffer;
    }

    public void Write(nint queue, nint buffer, long offsetBytes, long bytes, void* source, bool blocking)
    {
        Check(Injected(OpenClOperation.Enqueue), "clEnqueueWriteBuffer");
        if (bytes > 0)
        {
            Check(Cl.EnqueueWriteBuffer(queue, buffer, blocking, (nuint)offsetBytes, (nuint)bytes, source, 0, null, null), "clEnqueueWriteBuffer");
        }
    }

    public void Read(nint queue, nint buffer, long offsetBytes, long bytes, void* target, bool blocking)
    {
        Check(Injected(OpenClOperation.Read), "clEnqueueReadBuffer");
        if (bytes > 0)
        {
            Check(Cl.EnqueueReadBuffer(queue, buffer, blocking, (nuint)offsetBytes, (nuint)bytes, target, 0, null, null), "clEnqueueReadBuffer");
        }
    }

    public void Copy(nint queue, nint source, nint target, long bytes)
    {
        Check(Injected(OpenClOperation.Enqueue), "clEnqueueCopyBuffer");
        if (bytes > 0)
        {
            Check(Cl.EnqueueCopyBuffer(queue, source, target, 0, 0, (nuint)bytes, 0, null, null), "clEnqueueCopyBuffer");
        }
    }

    /// <summary>Enqueues <paramref name="kernel"/> over <paramref name="global"/> work-items in groups of
    /// <paramref name="local"/> (global must be a multiple of local) and returns its event, which the caller
    /// releases.</summary>
    public nint Launch(nint queue, nint kernel, int global, int local)
    {
        Check(Injected(OpenClOperation.Enqueue), "clEnqueueNDRangeKernel");
        nuint g = (nuint)global;
        nuint l = (nuint)local;
        nint evt;
        Check(Cl.EnqueueNdrangeKernel(queue, kernel, 1, null, &g, &l, 0, null, &evt), "clEnqueueNDRangeKernel");
        return evt;
    }

    /// <summary>A CL_KERNEL_* work-group property of <paramref name="kernel"/> on <paramref name="device"/>.</summary>
    public T KernelValue<T>(nint kernel, nint device, KernelWorkGroupInfo info)
        where T : unmanaged
    {
        T value = default;
        Check(Cl.GetKernelWorkGroupInfo(kernel, device, info, (nuint)sizeof(T), &value, null), "clGetKernelWorkGroupInfo");
        return value;
    }

    public void Arg(nint kernel, uint index, int value) =>
        Check(Cl.SetKernelArg(kernel, index, sizeof(int), &value), "clSetKernelArg");

    public void Arg(nint kernel, uint index, nint buffer) =>
        Check(Cl.SetKernelArg(kernel, index, (nuint)sizeof(nint), &buffer), "clSetKernelArg");

    /// <summary>Sets argument <paramref name="index"/>, a <c>__local</c> pointer, to <paramref name="bytes"/> of local
    /// memory per work-group.</summary>
    public void LocalArg(nint kernel, uint index, long bytes) =>
        Check(Cl.SetKernelArg(kernel, index, (nuint)bytes, null), "clSetKernelArg");

    public void Finish(nint queue) => Check(Cl.Finish(queue), "clFinish");
}
