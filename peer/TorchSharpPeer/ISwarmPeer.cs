namespace EmbeddedLearn.Peer;

/// <summary>One idiom of the peer: a training tick over all entities and the current mean loss.</summary>
internal interface ISwarmPeer : IDisposable
{
    /// <summary>zero_grad, forward, loss, backward, step for every entity, on ring slot <paramref name="slot"/>.</summary>
    void Tick(int slot);

    /// <summary>The mean over entities of each entity's MSE on ring slot 0 (no gradient).</summary>
    double MeanLoss();
}
