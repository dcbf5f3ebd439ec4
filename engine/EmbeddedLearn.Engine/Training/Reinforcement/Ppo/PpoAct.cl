// Device code of the PpoAct stage (PpoActStage.cs: Execute, Decide, Sample, Record, HandOver, StartUpdate, Consume; and
// PpoRollout.cs: Finish, Shuffle), after QAgent.cl, Forward.cl and PpoMath.cl: per brain (one lane), the network on the
// members' observations, a sample from the policy per acting member from the brain's own ActRandom stream (slots in
// order), the decision recorded as row Step of the collecting rollout, and, when that rollout is full, its hand-over to the
// update (GAE, trainable rows, shuffle from the brain's ShuffleRandom stream). The forward passes run on whole lanes in
// rounds (each lane's next up to M acting slots, as the CPU's chunks); the rest works lane by lane as the CPU does.
//
// Shapes (per brain, element i of lane l at EL_AT(p, i, l)): n observation floats, A = widths[layers] - 1 action columns
// (the last output is the value), aw = ppoAw action floats, f = n + aw; a slot is [obs n | action aw | logp | value |
// occupied | acted] (SW = f + 4), a rollout row [obs n | action aw | logp | value | reward | done | valid] (RW = f + 5),
// buffer b's rows from b * C * T * RW, row r = s * T + t. The scratch (PpoActStage.ScratchLength): inputs [M * n], outputs
// [M * (A + 1)], then the hidden activations.

// The rollout's reward sum (PpoRollout.Finish's double rewardSum), in double where the device has it.
#ifdef EL_HAS_FP64
#define EL_PPO_ACT_SUM double
#else
#define EL_PPO_ACT_SUM float
#endif

// Decide's gathering for lane l from slot `first`: each slot up to the M-th acting one gets its acted flag (occupied and
// a finite observation); the acting slots' observations go to rows 0.. of the inputs, the unused rows are zeroed. Returns
// the rows gathered; *end is the slot after the last one looked at (where the next round starts).
inline int el_ppo_gather(long S, int n, int f, int sw, int batch, int ppoC, __global float* pslots, __global float* inputs,
    int first, int* end, int l)
{
    int rows = 0;
    int s = first;
    for (; s < ppoC && rows < batch; s++)
    {
        int slot = s * sw;
        bool acts = EL_AT(pslots, slot + f + 2, l) != 0.0f; // occupied
        for (int i = 0; i < n && acts; i++) acts = isfinite(EL_AT(pslots, slot + i, l));
        EL_AT(pslots, slot + f + 3, l) = acts ? 1.0f : 0.0f; // acted
        if (acts)
        {
            for (int i = 0; i < n; i++) EL_AT(inputs, (rows * n) + i, l) = EL_AT(pslots, slot + i, l);
            rows++;
        }
    }
    for (int i = rows * n; i < batch * n; i++) EL_AT(inputs, i, l) = 0.0f;
    *end = s;
    return rows;
}

// Whether the output row starting at element o of lane l is all finite (FiniteCheck.AllFinite over A + 1 floats).
inline bool el_ppo_finite_row(long S, __global const float* outputs, int o, int width, int l)
{
    for (int j = 0; j < width; j++)
    {
        if (!isfinite(EL_AT(outputs, o + j, l))) return false;
    }
    return true;
}

// Sample for a continuous policy: a_k = fma(exp(log sigma_k), z_k, mu_k), z_k ~ N(0, 1) drawn in order of k (0 when
// deterministic, no draw); returns the log-probability sum_k ((-0.5 z_k z_k) - log sigma_k) - ln(2 pi) / 2, summed in order.
inline float el_ppo_sample_gaussian(long S, int A, bool deterministic, __global const float* outputs, int o,
    __global const float* pls, __global float* pslots, int action, ulong* random, int l)
{
    float sum = 0.0f;
    for (int k = 0; k < A; k++)
    {
        float z = deterministic ? 0.0f : el_ppo_normal(random);
        float logStd = EL_AT(pls, k, l);
        EL_AT(pslots, action + k, l) = fma(el_ppo_exp(logStd), z, EL_AT(outputs, o + k, l));
        sum += (((-0.5f * z) * z) - logStd) - EL_HALF_LOG_TWO_PI;
    }
    return sum;
}

// Sample for a discrete policy: the most probable logit (the first of the largest, by >), the softmax total of
// exp(logit - max), then (unless deterministic) u = next_single * total and the first k whose running sum exceeds u (the
// last when none does); the index goes to the action as a float. Returns log softmax(logits)_a = (logit_a - max) - log total.
inline float el_ppo_sample_categorical(long S, int A, bool deterministic, __global const float* outputs, int o,
    __global float* pslots, int action, ulong* random, int l)
{
    float top = -INFINITY;
    int best = 0;
    for (int k = 0; k < A; k++)
    {
        float logit = EL_AT(outputs, o + k, l);
        if (logit > top)
        {
            top = logit;
            best = k;
        }
    }
    float total = 0.0f;
    for (int k = 0; k < A; k++) total += el_ppo_exp(EL_AT(outputs, o + k, l) - top);
    int chosen = best;
    if (!deterministic)
    {
        float u = el_next_single(random) * total;
        float cumulative = 0.0f;
        chosen = A - 1;
        for (int k = 0; k < A; k++)
        {
            cumulative += el_ppo_exp(EL_AT(outputs, o + k, l) - top);
            if (u < cumulative)
            {
                chosen = k;
                break;
            }
        }
    }
    EL_AT(pslots, action, l) = (float)chosen;
    return (EL_AT(outputs, o + chosen, l) - top) - el_ppo_log(total);
}

// Decide's scatter for lane l after a round's forward pass: the gathered slots [first, end) in order; each acting one takes
// the next output row, and with a finite row samples its action (Sample) and stores log-prob and value; a non-finite row
// clears its acted flag (no decision, the last action stays). Returns whether any slot decided.
inline bool el_ppo_scatter(long S, int n, int f, int sw, int A, int ppoCont, bool deterministic, __global const float* outputs,
    __global const float* pls, __global float* pslots, int first, int end, ulong* random, int l)
{
    bool decided = false;
    int row = 0;
    for (int k = first; k < end; k++)
    {
        int slot = k * sw;
        if (EL_AT(pslots, slot + f + 3, l) == 0.0f) continue;
        int o = row++ * (A + 1);
        if (!el_ppo_finite_row(S, outputs, o, A + 1, l))
        {
            EL_AT(pslots, slot + f + 3, l) = 0.0f; // a non-finite output: no decision, the last action stays
            continue;
        }
        float logp = ppoCont
            ? el_ppo_sample_gaussian(S, A, deterministic, outputs, o, pls, pslots, slot + n, random, l)
            : el_ppo_sample_categorical(S, A, deterministic, outputs, o, pslots, slot + n, random, l);
        EL_AT(pslots, slot + f, l) = logp;
        EL_AT(pslots, slot + f + 1, l) = EL_AT(outputs, o + A, l);
        decided = true;
    }
    return decided;
}

// PpoActStage.Decide for the lanes of lanes[]: rounds of gathering (each lane its next up to M acting slots), one forward
// pass over the lanes that gathered rows (batch M: rows are independent, unused rows are zeros), and per lane the
// scatter, until every lane has looked at all its slots. Each lane draws from its own ActRandom, stored back at the end.
// decided[l]: whether lane l decided for at least one slot.
inline void el_ppo_decide(long S, int layers, __global const int* widths, int batch, int act, int ppoC, int ppoAw,
    int ppoCont, __global const float* p, __global const float* pls, __global float* pslots, __global const int* pps,
    __global int* pst, __global float* ascr, int lanes[VW], int decided[VW])
{
    int n = widths[0];
    int outW = widths[layers];
    int f = n + ppoAw;
    int sw = f + 4;
    __global float* inputs = ascr;
    __global float* outputs = inputs + (long)(batch * n) * S;
    __global float* acts = outputs + (long)(batch * outW) * S;
    int next[VW];
    int end[VW];
    int gathered[VW];
    ulong random[VW];
    for (int l = 0; l < VW; l++)
    {
        next[l] = lanes[l] ? 0 : ppoC;
        decided[l] = 0;
        random[l] = lanes[l] ? EL_GET_L(pst, l, PPOSTATE_ACTRANDOM) : 0UL;
    }
    for (;;)
    {
        bool gatheredAny = false;
        for (int l = 0; l < VW; l++)
        {
            gathered[l] = 0;
            if (next[l] >= ppoC) continue;
            gathered[l] = el_ppo_gather(S, n, f, sw, batch, ppoC, pslots, inputs, next[l], &end[l], l) > 0 ? -1 : 0;
            gatheredAny = gatheredAny || gathered[l] != 0;
            if (!gathered[l]) next[l] = end[l]; // nothing acting up to the last slot: this lane is done
        }
        if (!gatheredAny) break;
        el_dense_forward(S, layers, widths, batch, act, p, inputs, acts, outputs, EL_MASK(gathered));
        for (int l = 0; l < VW; l++)
        {
            if (!gathered[l]) continue;
            bool deterministic = EL_GET_B(pps, l, PPOSETTINGS_DETERMINISTIC);
            if (el_ppo_scatter(S, n, f, sw, outW - 1, ppoCont, deterministic, outputs, pls, pslots, next[l], end[l], &random[l], l))
            {
                decided[l] = 1;
            }
            next[l] = end[l];
        }
    }
    for (int l = 0; l < VW; l++)
    {
        if (lanes[l]) EL_SET_L(pst, l, PPOSTATE_ACTRANDOM, random[l]);
    }
}

// PpoRollout.Finish for lane l: GAE(lambda) per slot, backwards over t, over the rows from element `rows` (the training
// buffer's), bootstrapped from the slots' values where they acted: delta = (r + ((gamma notDone) V')) - V,
// A = delta + ((gamma lambda notDone) A'), R = A + V, in float in this order; rows not trainable get NaN targets and cut the
// chain. Then the trainable rows, ascending, into the order. Returns their count; *valid the valid rows, *rewardSum the
// trainable rows' rewards.
inline int el_ppo_finish(long S, int f, int ppoC, int ppoT, __global const float* pslots, __global const float* prollouts,
    int rows, float gamma, float gammaLambda, __global float* ptargets, __global int* porder, int* valid,
    EL_PPO_ACT_SUM* rewardSum, int l)
{
    int rw = f + 5;
    int sw = f + 4;
    int validRows = 0;
    EL_PPO_ACT_SUM sum = 0;
    for (int s = 0; s < ppoC; s++)
    {
        float nextAdvantage = 0.0f;
        bool nextTrainable = false;
        bool nextValid = EL_AT(pslots, (s * sw) + f + 3, l) != 0.0f;
        float nextValue = nextValid ? EL_AT(pslots, (s * sw) + f + 1, l) : 0.0f;
        for (int t = ppoT - 1; t >= 0; t--)
        {
            int r = (s * ppoT) + t;
            int row = rows + (r * rw);
            bool isValid = EL_AT(prollouts, row + f + 4, l) != 0.0f;
            bool done = EL_AT(prollouts, row + f + 3, l) != 0.0f;
            float reward = EL_AT(prollouts, row + f + 2, l);
            float value = EL_AT(prollouts, row + f + 1, l);
            validRows += isValid ? 1 : 0;
            if (!isValid || !isfinite(reward) || !(done || nextValid))
            {
                EL_AT(ptargets, 2 * r, l) = NAN;
                EL_AT(ptargets, (2 * r) + 1, l) = NAN;
                nextTrainable = false;
                nextValid = isValid;
                nextValue = value;
                continue;
            }
            float notDone = done ? 0.0f : 1.0f;
            float delta = (reward + ((gamma * notDone) * (done ? 0.0f : nextValue))) - value;
            float advantage = delta + ((gammaLambda * notDone) * (nextTrainable && !done ? nextAdvantage : 0.0f));
            EL_AT(ptargets, 2 * r, l) = advantage;
            EL_AT(ptargets, (2 * r) + 1, l) = advantage + value;
            sum += (EL_PPO_ACT_SUM)reward;
            nextAdvantage = advantage;
            nextTrainable = true;
            nextValid = true;
            nextValue = value;
        }
    }
    int count = 0;
    for (int r = 0; r < ppoC * ppoT; r++)
    {
        if (!isnan(EL_AT(ptargets, 2 * r, l))) EL_AT(porder, count++, l) = r;
    }
    *valid = validRows;
    *rewardSum = sum;
    return count;
}

// PpoActStage.StartUpdate for lane l, the rows from element `rows` (the full rollout): an update in progress is cut
// (UpdatesCut), Finish, then RowsLeftOut += valid - trainable, Rollouts + 1, Rows, Epoch and Minibatch 0, Updating when
// any row trains, MeanReward (0 without rows), and the first shuffle from ShuffleRandom.
inline void el_ppo_start_update(long S, int f, int ppoC, int ppoT, __global const float* pslots,
    __global const float* prollouts, int rows, __global float* ptargets, __global int* porder, __global const int* pps,
    __global int* pst, __global int* pstats, int l)
{
    if (EL_GET_B(pst, l, PPOSTATE_UPDATING))
    {
        EL_SET_L(pst, l, PPOSTATE_UPDATESCUT, (long)EL_GET_L(pst, l, PPOSTATE_UPDATESCUT) + 1);
    }
    float gamma = EL_GET_F(pps, l, PPOSETTINGS_GAMMA);
    float gammaLambda = gamma * EL_GET_F(pps, l, PPOSETTINGS_LAMBDA);
    int valid;
    EL_PPO_ACT_SUM rewardSum;
    int count = el_ppo_finish(S, f, ppoC, ppoT, pslots, prollouts, rows, gamma, gammaLambda, ptargets, porder, &valid,
        &rewardSum, l);
    EL_SET_L(pst, l, PPOSTATE_ROWSLEFTOUT, (long)EL_GET_L(pst, l, PPOSTATE_ROWSLEFTOUT) + (long)(valid - count));
    EL_SET_L(pst, l, PPOSTATE_ROLLOUTS, (long)EL_GET_L(pst, l, PPOSTATE_ROLLOUTS) + 1);
    EL_SET_I(pst, l, PPOSTATE_ROWS, count);
    EL_SET_I(pst, l, PPOSTATE_EPOCH, 0);
    EL_SET_I(pst, l, PPOSTATE_MINIBATCH, 0);
    EL_SET_B(pst, l, PPOSTATE_UPDATING, count > 0);
    EL_SET_F(pstats, l, PPOSTATS_MEANREWARD, count > 0 ? (float)(rewardSum / (EL_PPO_ACT_SUM)count) : 0.0f);
    ulong random = EL_GET_L(pst, l, PPOSTATE_SHUFFLERANDOM);
    el_ppo_shuffle(S, porder, count, &random, l);
    EL_SET_L(pst, l, PPOSTATE_SHUFFLERANDOM, random);
}

// PpoActStage.Record for lane l: this decision as row t of every slot in the collecting rollout (rows from element `rows`):
// an acting slot's observation, action, log-prob and value, reward 0, done 0, valid 1; the others' row only valid 0.
inline void el_ppo_record(long S, int f, int ppoC, int ppoT, __global const float* pslots, __global float* prollouts,
    int rows, int t, int l)
{
    int sw = f + 4;
    int rw = f + 5;
    for (int s = 0; s < ppoC; s++)
    {
        int slot = s * sw;
        int row = rows + (((s * ppoT) + t) * rw);
        if (EL_AT(pslots, slot + f + 3, l) == 0.0f)
        {
            EL_AT(prollouts, row + f + 4, l) = 0.0f;
            continue;
        }
        for (int i = 0; i < f + 2; i++) EL_AT(prollouts, row + i, l) = EL_AT(pslots, slot + i, l); // obs, action, logp, value
        EL_AT(prollouts, row + f + 2, l) = 0.0f; // reward
        EL_AT(prollouts, row + f + 3, l) = 0.0f; // done
        EL_AT(prollouts, row + f + 4, l) = 1.0f; // valid
    }
}

// PpoActStage.Consume for lane l: every slot's observation marked used (NaN), so a member that does not observe again
// takes no decision next time.
inline void el_ppo_consume(long S, int n, int sw, int ppoC, __global float* pslots, int l)
{
    for (int s = 0; s < ppoC; s++)
    {
        for (int i = 0; i < n; i++) EL_AT(pslots, (s * sw) + i, l) = NAN;
    }
}

// The PpoAct stage (PpoActStage.Execute) for the lanes of `on`: Decide for all of them; then per lane, with no decision
// only Consume; otherwise, when the collecting rollout holds T decisions, the hand-over (StartUpdate on it, the other
// buffer collects, Step 0), then Record as row Step, Consume, Step + 1 and Decisions + 1.
inline void el_ppo_act(long S, int layers, __global const int* widths, int batch, int act, int ppoC, int ppoT, int ppoAw,
    int ppoCont, __global const float* p, __global const float* pls, __global float* pslots, __global float* prollouts,
    __global float* ptargets, __global int* porder, __global const int* pps, __global int* pst, __global int* pstats,
    __global float* ascr, vi on)
{
    if (!ANY(on)) return;
    int n = widths[0];
    int f = n + ppoAw;
    int bufferFloats = ppoC * ppoT * (f + 5); // floats of one rollout buffer
    int lanes[VW];
    int decided[VW];
    EL_LANES(on, lanes);
    el_ppo_decide(S, layers, widths, batch, act, ppoC, ppoAw, ppoCont, p, pls, pslots, pps, pst, ascr, lanes, decided);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        if (!decided[l])
        {
            el_ppo_consume(S, n, f + 4, ppoC, pslots, l);
            continue;
        }
        int t = EL_GET_I(pst, l, PPOSTATE_STEP);
        if (t == ppoT)
        {
            int collecting = EL_GET_I(pst, l, PPOSTATE_COLLECTING);
            el_ppo_start_update(S, f, ppoC, ppoT, pslots, prollouts, collecting * bufferFloats, ptargets, porder, pps, pst,
                pstats, l);
            EL_SET_I(pst, l, PPOSTATE_COLLECTING, collecting ^ 1);
            t = 0;
        }
        el_ppo_record(S, f, ppoC, ppoT, pslots, prollouts, EL_GET_I(pst, l, PPOSTATE_COLLECTING) * bufferFloats, t, l);
        el_ppo_consume(S, n, f + 4, ppoC, pslots, l);
        EL_SET_I(pst, l, PPOSTATE_STEP, t + 1);
        EL_SET_L(pst, l, PPOSTATE_DECISIONS, (long)EL_GET_L(pst, l, PPOSTATE_DECISIONS) + 1);
    }
}
