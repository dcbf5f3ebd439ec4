namespace EmbeddedLearn.OpenCl;

/// <summary>Which set of device kernels an <see cref="OpenClBackend"/> runs. Chosen per device (GPUs and accelerators
/// get <see cref="Gpu"/>, CPU devices <see cref="Cpu"/>); <c>EMBEDDEDLEARN_OPENCL_KERNELS=gpu|cpu</c> forces one on
/// any device (tests check the GPU family's numbers on PoCL this way).</summary>
public enum OpenClKernelFamily
{
    /// <summary>One work-item per entity (times the device's float vector width), each walking its network through
    /// global memory in a layout interleaved across entities: what a CPU device (PoCL) runs fastest.</summary>
    Cpu = 0,

    /// <summary>A work-group per tile of entities and work-items across each entity's neurons and samples, the tile's
    /// parameters, gradients and activations in local memory, the whole tick in one pass that reads and writes each
    /// parameter and its optimizer state once, in an entity-major layout.</summary>
    Gpu = 1,
}
