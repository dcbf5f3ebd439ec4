// Q-learning agents' transfers (OpenCl/ArchetypeBuffers.Agents.cs): the transitions the host recorded since the last
// upload, gathered entity-major, go into the replay rings (device layout, K floats per entity) in one launch.

// Entry i puts the W floats values[i * W ...] into slot where[2i + 1] of row where[2i]'s ring.
__kernel void ring_append(int count, int S, int K, int W, __global const int* where, __global const float* values,
    __global float* ring)
{
    int i = get_global_id(0);
    if (i >= count) return;
    __global float* to = ring + OFF(where[2 * i], K) + (long)where[(2 * i) + 1] * W * S;
    __global const float* from = values + (long)i * W;
    for (int k = 0; k < W; k++) AT(to, k) = from[k];
}
