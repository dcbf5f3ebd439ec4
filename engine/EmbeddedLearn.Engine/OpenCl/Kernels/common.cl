// EmbeddedLearn training kernels: shared definitions. KernelSource concatenates common.cl, stages.cl and
// kernels.cl, in that order, into one program.
//
// Device layout (interleaved across entities): element k of entity e of a component lives at k * S + e, where
// S (the stride) is the archetype's entity count rounded up to its work-group size. One work-item handles one
// entity, so the work-items of a group read neighbouring addresses at every step (coalesced on a GPU, vector
// loads on PoCL). Every stage body below receives its pointers already offset by e and indexes them with AT.
//
// Element order inside an entity is the engine's (and PyTorch's): for each layer l, W^T [in_l, out_l]
// row-major, then b [out_l]; activations [B, width] per hidden layer; Adam moments m [P] then v [P].
// Settings: sf 8 floats {lr, momentum, dampening, weight decay, beta1, beta2, eps, 0} and si 8 ints
// {optimizer (0 SGD, 1 Adam), nesterov, maximize, reduction (0 mean, 1 sum, 2 none), K, 0, 0, 0}.
// State: st 3 longs {backward passes, optimizer steps, step due}. All interleaved with the same stride.

#if defined(cl_khr_fp64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define EL_HAS_FP64 1
#elif defined(__opencl_c_fp64)
#define EL_HAS_FP64 1
#endif

// Element i of the entity whose pointer is p, in a buffer of stride S (S must be in scope).
#define AT(p, i) (p)[(long)(i) * S]

#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY 2
#define ACT_TANH 3
#define ACT_SIGMOID 4
#define LEAKY_SLOPE 0.01f

// Stage bits of the fused kernel, 1 << OpenClStageKind.
#define STAGE_ZERO_GRAD 1
#define STAGE_FORWARD 2
#define STAGE_MSE_LOSS 4
#define STAGE_BACKWARD 8
#define STAGE_SGD 16
#define STAGE_ADAM 32

inline float el_activate(int act, float v)
{
    switch (act)
    {
        case ACT_RELU: return fmax(v, 0.0f);
        case ACT_LEAKY: return v > 0.0f ? v : v * LEAKY_SLOPE;
        case ACT_TANH: return tanh(v);
        case ACT_SIGMOID: return 1.0f / (1.0f + exp(-v));
        default: return v;
    }
}

inline float el_derivative(int act, float y, float g)
{
    switch (act)
    {
        case ACT_RELU: return y > 0.0f ? g : 0.0f;
        case ACT_LEAKY: return g * (y > 0.0f ? 1.0f : LEAKY_SLOPE);
        case ACT_TANH: return g * (1.0f - (y * y));
        case ACT_SIGMOID: return g * (y * (1.0f - y));
        default: return g;
    }
}

inline int el_weight_offset(__global const int* widths, int layer)
{
    int offset = 0;
    for (int l = 0; l < layer; l++)
    {
        offset += widths[l] * widths[l + 1] + widths[l + 1];
    }
    return offset;
}

// Element offset of hidden layer h's [B, width_{h+1}] block in an entity's activations.
inline int el_hidden_offset(__global const int* widths, int batch, int hidden)
{
    int offset = 0;
    for (int h = 0; h < hidden; h++)
    {
        offset += batch * widths[h + 1];
    }
    return offset;
}
