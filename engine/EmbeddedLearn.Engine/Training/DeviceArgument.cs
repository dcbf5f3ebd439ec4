namespace EmbeddedLearn.Training;

/// <summary>
/// What a <see cref="DeviceBody"/> function takes, argument by argument after the element stride <c>long S</c>: a model
/// size (an <c>int</c>) or one of the archetype's device buffers, already offset to the work-item's first entity (read
/// element <c>i</c> with <c>LD(p, i)</c>, store with <c>ST(p, i, v)</c>, or with <c>STM</c> on the lanes of <c>on</c>).
/// The executor derives the kernel's parameters and their values from this list: nothing is numbered by hand.
/// Shapes are per entity; B is the batch, P the parameter count, O the output width.
/// </summary>
public enum DeviceArgument
{
    /// <summary><c>int P</c>: parameters per entity.</summary>
    ParameterCount,

    /// <summary><c>int layers</c>: the number of dense layers.</summary>
    LayerCount,

    /// <summary><c>__global const int* widths</c>: the layer widths, input first (<c>layers + 1</c> ints, shared).</summary>
    Widths,

    /// <summary><c>int batch</c>: samples per entity per tick (B).</summary>
    Batch,

    /// <summary><c>int act</c>: the hidden activation (ACT_IDENTITY, ACT_RELU, ACT_LEAKY, ACT_TANH, ACT_SIGMOID).</summary>
    HiddenActivation,

    /// <summary><c>int count</c>: outputs per entity, <c>B x O</c>.</summary>
    OutputCount,

    /// <summary><c>int maxW</c>: the widest layer.</summary>
    MaxWidth,

    /// <summary><c>int nAct</c>: hidden activations per entity, <c>B x</c> the sum of the hidden widths.</summary>
    ActivationCount,

    /// <summary><c>int hasMomentum</c>: 1 when the archetype has a momentum buffer (<see cref="Momentum"/>), else 0 (the
    /// argument then points at the parameters and must not be used).</summary>
    MomentumPresent,

    /// <summary><c>__global float* p</c>: parameters, P floats (the engine's order: per layer W as [in, out], then b).</summary>
    Parameters,

    /// <summary><c>__global float* g</c>: gradients, P floats.</summary>
    Gradients,

    /// <summary><c>__global float* x</c>: this tick's inputs, <c>B x in</c> floats.</summary>
    Inputs,

    /// <summary><c>__global float* t</c>: this tick's targets, <c>B x O</c> floats.</summary>
    Targets,

    /// <summary><c>__global float* y</c>: the outputs, <c>B x O</c> floats (they come back to the host after the tick).</summary>
    Outputs,

    /// <summary><c>__global float* dy</c>: dL/d(outputs), <c>B x O</c> floats.</summary>
    OutputGradient,

    /// <summary><c>__global float* loss</c>: the entity's loss, 1 float (comes back after the tick).</summary>
    Loss,

    /// <summary><c>__global float* elements</c>: element losses (reduction none), <c>B x O</c> floats.</summary>
    LossElements,

    /// <summary><c>__global float* acts</c>: the hidden activations Forward keeps for Backward, nAct floats.</summary>
    Activations,

    /// <summary><c>__global float* scratch</c>: backward's scratch, <c>2 x B x maxW</c> floats.</summary>
    Scratch,

    /// <summary><c>__global float* momentum</c>: SGD's momentum buffer, P floats (see <see cref="MomentumPresent"/>).</summary>
    Momentum,

    /// <summary><c>__global float* moments</c>: Adam's first then second moments, 2P floats.</summary>
    AdamMoments,

    /// <summary><c>__global int* flags</c>: the entity's tick flags (OUTCOME_* bits the guard adds, FLAG_*), 1 int.</summary>
    Flags,

    /// <summary><c>__global const float* sf</c>: the entity's float settings (<c>SF_*</c> offsets: learning rate ...).</summary>
    SettingsF,

    /// <summary><c>__global const int* si</c>: the entity's int settings (<c>SI_*</c> offsets: optimizer, reduction ...).</summary>
    SettingsI,

    /// <summary><c>__global long* st</c>: the entity's training counters (<c>ST_*</c> offsets).</summary>
    State,

    /// <summary><c>int cap</c>: the replay ring's capacity C in transitions (Q-learning agents; 0 on other archetypes).</summary>
    ReplayCapacity,

    /// <summary><c>int members</c>: a shared model's member capacity C (its brains' batch is <c>C x b</c>, b the samples
    /// per member); 0 on archetypes that are no shared brains, where the shared-model buffers (<see cref="MemberSamples"/>,
    /// <see cref="MemberOutputs"/>, <see cref="MemberSlots"/>, <see cref="SharedModelState"/>) point at a stand-in and must
    /// not be used.</summary>
    MemberCapacity,

    /// <summary><c>__global float* obs</c>: a Q-learning agent's current observation, n floats (up every tick).</summary>
    Observation,

    /// <summary><c>__global float* tp</c>: a Q-learning agent's target parameters, P floats (resident, as the parameters).</summary>
    TargetParameters,

    /// <summary><c>__global const float* ring</c>: a Q-learning agent's replay ring, <c>C x (2n + 3)</c> floats (the host
    /// records, the device only reads: new transitions go up before the tick).</summary>
    ReplayBuffer,

    /// <summary><c>__global float* sample</c>: a Q-learning agent's sampled <c>[a, r, done, s']</c>, <c>B x (n + 3)</c> floats
    /// (stays on the device).</summary>
    ReplaySample,

    /// <summary><c>__global float* ascr</c>: the Q-learning stages' scratch, <c>scr</c> floats per agent (device only).</summary>
    AgentScratch,

    /// <summary><c>__global int* qls</c>: a Q-learning agent's <see cref="Components.QLearningSettings"/> as 32-bit words
    /// (fields at the byte offsets <c>QLEARNINGSETTINGS_*</c>; up every tick).</summary>
    QLearningSettings,

    /// <summary><c>__global int* qas</c>: a Q-learning agent's <see cref="Components.QAgentState"/> as 32-bit words
    /// (<c>QAGENTSTATE_*</c>; up before and down after every tick).</summary>
    QAgentState,

    /// <summary><c>__global int* rs</c>: a Q-learning agent's <see cref="Components.ReplayState"/> as 32-bit words
    /// (<c>REPLAYSTATE_*</c>; up every tick).</summary>
    ReplayState,

    /// <summary><c>__global const float* ms</c>: a shared model brain's member samples, C blocks of <c>[b, in]</c> inputs then
    /// <c>[b, out]</c> targets, <c>B x (in + O)</c> floats (written by the members; up every tick).</summary>
    MemberSamples,

    /// <summary><c>__global float* mo</c>: a shared model brain's member outputs, C blocks of <c>[b, O]</c>, <c>B x O</c> floats
    /// (down after every tick).</summary>
    MemberOutputs,

    /// <summary><c>__global int* slots</c>: a shared model brain's slots, C triples <c>[member id + 1 or 0, version, first
    /// batch row this tick or -1]</c>, <c>3C</c> ints (up when the members changed).</summary>
    MemberSlots,

    /// <summary><c>__global int* sms</c>: a shared model brain's <see cref="Components.SharedModelState"/> as 32-bit words
    /// (<c>SHAREDMODELSTATE_*</c>; down after every tick).</summary>
    SharedModelState,

    /// <summary><c>int extraN</c>: the parameters an entity has besides its network's (a PPO brain's log standard
    /// deviation, <see cref="ExtraParameters"/>), 0 on archetypes without them.</summary>
    ExtraCount,

    /// <summary><c>__global float* extra</c>: the gradient of those extra parameters, <c>extraN</c> floats (a stand-in when
    /// extraN is 0).</summary>
    ExtraGradients,

    /// <summary><c>int ppoC</c>: a PPO brain's member slots C (<see cref="Reinforcement.PpoSpec.Capacity"/>); 0 on
    /// archetypes that are no PPO brains.</summary>
    PpoCapacity,

    /// <summary><c>int ppoT</c>: a PPO brain's horizon T, decisions per rollout.</summary>
    PpoHorizon,

    /// <summary><c>int ppoAw</c>: floats per action: A for continuous actions, 1 (the index) for discrete ones.</summary>
    PpoActionWidth,

    /// <summary><c>int ppoCont</c>: 1 for a continuous (Gaussian) policy, whose log-std buffers exist; 0 for a discrete one,
    /// where <see cref="PpoLogStd"/>, <see cref="PpoLogStdGradient"/> and <see cref="PpoLogStdState"/> are stand-ins.</summary>
    PpoContinuous,

    /// <summary><c>__global float* pslots</c>: a PPO brain's member slots, <c>C x (n + aw + 4)</c> floats (observation,
    /// action, log-prob, value, occupied, acted; up before and down after every tick).</summary>
    PpoSlots,

    /// <summary><c>__global float* prollouts</c>: a PPO brain's two rollouts, <c>2 x C x T x (n + aw + 5)</c> floats (up
    /// before and down after every tick: the game adds rewards on the host).</summary>
    PpoRollouts,

    /// <summary><c>__global float* ptargets</c>: the training rollout's advantages and returns, <c>2 x C x T</c> floats.</summary>
    PpoTargets,

    /// <summary><c>__global int* porder</c>: the training rollout's trainable rows, shuffled, <c>C x T</c> ints.</summary>
    PpoOrder,

    /// <summary><c>__global float* pbatch</c>: the minibatch's actions, old log-probs, old values, advantages and returns,
    /// <c>B x (aw + 4)</c> floats (device only).</summary>
    PpoBatch,

    /// <summary><c>__global int* pps</c>: <see cref="Components.PpoSettings"/> as 32-bit words (<c>PPOSETTINGS_*</c>).</summary>
    PpoSettings,

    /// <summary><c>__global int* pst</c>: <see cref="Components.PpoState"/> as 32-bit words (<c>PPOSTATE_*</c>).</summary>
    PpoState,

    /// <summary><c>__global int* pstats</c>: <see cref="Components.PpoStats"/> as 32-bit words (<c>PPOSTATS_*</c>).</summary>
    PpoStats,

    /// <summary><c>__global float* pls</c>: a continuous policy's log standard deviation, A floats.</summary>
    PpoLogStd,

    /// <summary><c>__global float* plsg</c>: its gradient, A floats.</summary>
    PpoLogStdGradient,

    /// <summary><c>__global float* plss</c>: its optimizer state, 2A floats (momentum in the first A; Adam's m then v).</summary>
    PpoLogStdState,
}
