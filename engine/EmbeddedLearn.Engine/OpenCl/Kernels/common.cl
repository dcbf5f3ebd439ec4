// EmbeddedLearn training kernels: shared definitions. KernelSource concatenates the header DeviceSettingsLayout
// generates, common.cl, stages.cl, optimizers.cl and kernels.cl, in that order, into one program.
//
// Device layout (interleaved across entities, in tiles of S entities): element k of entity e of a component of K
// elements per entity lives at (e / S) * S * K + k * S + e % S (OFF below). On a GPU the tile holds every entity
// (S >= n), which is the plain interleaved layout k * S + e; on a CPU device a tile is one work-item's VW
// entities, so what a work-item reads is contiguous (cache lines, prefetch, TLB) while its lanes still read
// neighbouring entities. Neighbouring work-items handle neighbouring entities, so at every step they read
// neighbouring addresses (coalesced on a GPU, whole vectors on a CPU). Every stage body receives its pointers
// already offset to its first entity's element 0 and indexes them with LD/ST (element stride S).
#if defined(cl_khr_fp64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define EL_HAS_FP64 1
#elif defined(__opencl_c_fp64)
#define EL_HAS_FP64 1
#endif

// VW (a build option, 1 when absent) is how many neighbouring entities one work-item handles: 1 on a GPU (one
// work-item per entity, the work-items of a warp read neighbouring addresses), the native float vector width on a
// CPU device (PoCL does not vectorise across work-items around loops, so each work-item does it explicitly with
// vloadN/vstoreN over VW neighbouring entities). vf/vi/vl are the per-work-item float/int/long values; LD/ST
// read and write element i of the work-item's entities (S, the stride, must be in scope). A lane mask is a
// comparison result (vector: -1 or 0 per lane; scalar: 1 or 0) and works as the condition of ?: either way.
#ifndef VW
#define VW 1
#endif

#if VW == 1
typedef float vf;
typedef int vi;
typedef long vl;
#define LD(p, i) ((p)[(long)(i) * S])
#define ST(p, i, v) ((p)[(long)(i) * S] = (v))
#define TO_I(x) ((int)(x))
#define TO_L(x) ((long)(x))
#define TO_F(x) ((float)(x))
#define TO_D(x) ((double)(x))
#define EL_VD double
#define ANY(m) ((m) != 0)
#define ALL(m) ((m) != 0)
#else
#define EL_CAT2(a, b) a##b
#define EL_CAT(a, b) EL_CAT2(a, b)
typedef EL_CAT(float, VW) vf;
typedef EL_CAT(int, VW) vi;
typedef EL_CAT(long, VW) vl;
#define LD(p, i) EL_CAT(vload, VW)(0, (p) + (long)(i) * S)
#define ST(p, i, v) EL_CAT(vstore, VW)((v), 0, (p) + (long)(i) * S)
#define TO_I(x) EL_CAT(convert_int, VW)(x)
#define TO_L(x) EL_CAT(convert_long, VW)(x)
#define TO_F(x) EL_CAT(convert_float, VW)(x)
#define TO_D(x) EL_CAT(convert_double, VW)(x)
#define EL_VD EL_CAT(double, VW)
#define ANY(m) any(m)
#define ALL(m) all(m)
#endif

// Offset of entity e's element 0 in a component of K elements per entity (see the layout above).
#define OFF(e, K) ((long)((e) / S) * S * (long)(K) + ((e) % S))

// Stores v at element i of p on the lanes of `on` (a lane mask in scope); the others keep their value.
#define STM(p, i, v) ST(p, i, on ? (v) : LD(p, i))

// The lanes whose flags (fl: the entity's flags, OUTCOME_* | FLAG_*) share no bit with `exclude`.
#define EL_ON(fl, exclude) ((LD(fl, 0) & (exclude)) == 0)

// Element i of one entity's component (scalar; used by the layout conversions).
#define AT(p, i) (p)[(long)(i) * S]

// Lane helpers, for bodies that work one entity (lane l of the work-item's VW) at a time where each entity's work differs
// (an agent's random draws, a shared model's members). Struct components arrive as 32-bit words in the device layout
// (word w of lane l at w * S + l); their fields' byte offsets (QAGENTSTATE_ACTION, SHAREDMODELSTATE_ROWSINBATCH ...)
// come from the generated header (OpenCl/DeviceStructLayout.cs).

// Element i of lane l of a component of floats or ints (device layout).
#define EL_AT(p, i, l) (p)[(long)(i) * S + (l)]

// The 32-bit word holding byte offset o of lane l's struct, and its fields read and written by type.
#define EL_WORD(p, l, o) (((__global uint*)(p))[(long)((o) / 4) * S + (l)])
#define EL_GET_I(p, l, o) ((int)EL_WORD(p, l, o))
#define EL_GET_F(p, l, o) as_float(EL_WORD(p, l, o))
#define EL_GET_B(p, l, o) (((EL_WORD(p, l, o) >> (8 * ((o) % 4))) & 0xFFu) != 0)
#define EL_GET_L(p, l, o) ((ulong)EL_WORD(p, l, o) | ((ulong)EL_WORD(p, l, (o) + 4) << 32))
#define EL_SET_I(p, l, o, v) (EL_WORD(p, l, o) = (uint)(v))
#define EL_SET_F(p, l, o, v) (EL_WORD(p, l, o) = as_uint(v))
#define EL_SET_L(p, l, o, v) \
    { ulong el_v = (ulong)(v); EL_WORD(p, l, o) = (uint)el_v; EL_WORD(p, l, (o) + 4) = (uint)(el_v >> 32); }
#define EL_SET_B(p, l, o, v) \
    { uint el_s = 8 * ((o) % 4); EL_WORD(p, l, o) = (EL_WORD(p, l, o) & ~(0xFFu << el_s)) | ((v) ? (1u << el_s) : 0u); }

// A lane mask into an int array of VW (non-zero: the lane is on), and back.
#if VW == 1
#define EL_LANES(mask, array) ((array)[0] = (mask))
#define EL_MASK(array) ((array)[0])
#else
#define EL_LANES(mask, array) EL_CAT(vstore, VW)((mask), 0, (array))
#define EL_MASK(array) EL_CAT(vload, VW)(0, (array))
#endif

#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY 2
#define ACT_TANH 3
#define ACT_SIGMOID 4
#define LEAKY_SLOPE 0.01f

// The fused kernel's stage bits (STAGE_ZEROGRAD ... STAGE_ADAMWSTEP, 1 << OpenClStageKind) and STAGE_SNAPSHOT come
// from the generated header, as do the settings and state offsets (SF_*, SI_*, ST_*) and the outcome bits.

inline vf el_activate(int act, vf v)
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

inline vf el_derivative(int act, vf y, vf g)
{
    switch (act)
    {
        case ACT_RELU: return y > 0.0f ? g : (vf)0.0f;
        case ACT_LEAKY: return g * (y > 0.0f ? (vf)1.0f : (vf)LEAKY_SLOPE);
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

// The bits of a float lane as an int lane.
#if VW == 1
#define EL_AS_INT(x) as_int(x)
#else
#define EL_AS_INT(x) EL_CAT(as_int, VW)(x)
#endif


// Copies count floats of the entity's state (the tick-start snapshot, taken inside the fused kernel, where the
// state is read anyway, instead of a separate copy of whole buffers).
inline void el_copy(long S, int count, __global const float* from, __global float* to)
{
    for (int i = 0; i < count; i++) ST(to, i, LD(from, i));
}

// The lanes whose accumulation window starts this pass (backward passes % K == 0).
inline vi el_window_starts(long S, __global const int* si, __global const long* st)
{
    vl k = max(TO_L(LD(si, SI_ACCUMULATION_STEPS)), (vl)1);
    return TO_I(LD(st, ST_BACKWARD_PASSES) % k == 0);
}

// A step not applied, for the lanes of `fail`: one more failure in a row, and quarantine at `limit` in a row (when
// limit > 0). Returns the failing lanes' outcome bits (OUTCOME_STEPSKIPPED, OUTCOME_QUARANTINED). The guard (a
// non-finite gradient norm) and the step (non-finite new values) count failures through it, in both kernel families.
inline vi el_fail(vi fail, vl limit, vl* failures)
{
    *failures = TO_L(fail) ? *failures + 1 : *failures;
    vi quarantine = fail & TO_I(limit > 0 && *failures >= limit);
    vi f = fail ? (vi)OUTCOME_STEPSKIPPED : (vi)0;
    return f | (quarantine ? (vi)OUTCOME_QUARANTINED : (vi)0);
}

// The optimizer units' one counter convention, as the CPU's OptimizerStepStage: an entity steps when its window ended
// (step due) and its settings select the unit, with t = the step count + 1 (1 on the first step); the step is
// applied only on the lanes whose new parameters and optimizer state are all finite (a first pass checks, a second
// stores): those take t as their count and reset their failures; the others keep everything as it was and count a
// failure (el_fail). Step due is cleared on every stepping lane.

// The lanes that step with optimizer `kind`, and their step number t (not stored yet: el_end_step does).
inline vi el_begin_step(long S, __global const int* si, __global const long* st, int kind, vi on, vl* t)
{
    *t = LD(st, ST_OPTIMIZER_STEPS) + 1;
    return TO_I(LD(st, ST_STEP_DUE) != 0) & (LD(si, SI_OPTIMIZER) == kind) & on;
}

// The counters after a step of the lanes of `steps`, `ok` those whose new values were all finite (applied): the
// step count becomes t and the failures 0 where applied, a failure is counted where not, step due is cleared on all.
// Returns the outcome bits. Both kernel families end a step through it.
inline vi el_step_result(vi steps, vi ok, vl t, vl limit, vl* count, vl* failures, vl* due)
{
    vl applied = TO_L(steps & ok);
    *count = applied ? t : *count;
    *failures = applied ? (vl)0 : *failures;
    *due = TO_L(steps) ? (vl)0 : *due;
    return el_fail(steps & (ok == 0), limit, failures);
}

// Ends the step of the lanes of `steps` (el_step_result on the entity's state; the outcome bits into its flags).
inline void el_end_step(long S, __global const int* si, __global long* st, __global int* flags, vi steps, vi ok, vl t)
{
    vl count = LD(st, ST_OPTIMIZER_STEPS), failures = LD(st, ST_CONSECUTIVE_FAILURES), due = LD(st, ST_STEP_DUE);
    vi outcome = el_step_result(steps, ok, t, TO_L(LD(si, SI_FAILURES_BEFORE_QUARANTINE)), &count, &failures, &due);
    ST(st, ST_OPTIMIZER_STEPS, count);
    ST(st, ST_CONSECUTIVE_FAILURES, failures);
    ST(st, ST_STEP_DUE, due);
    ST(flags, 0, LD(flags, 0) | outcome);
}
