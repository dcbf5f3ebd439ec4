namespace EmbeddedLearn.Components;

/// <summary>How the MSE loss reduces the <c>B x out</c> squared errors of one entity, as PyTorch's
/// <c>nn.MSELoss(reduction=...)</c>.</summary>
public enum LossReduction
{
    /// <summary><c>L = sum((o - t)^2) / (B * out)</c>; <c>dL/do = 2 (o - t) / (B * out)</c>.</summary>
    Mean = 0,

    /// <summary><c>L = sum((o - t)^2)</c>; <c>dL/do = 2 (o - t)</c>.</summary>
    Sum = 1,

    /// <summary>Per element <c>L_i = (o_i - t_i)^2</c>, kept unreduced; backward seeds every element with 1
    /// (as <c>loss.backward(torch.ones_like(loss))</c>), so <c>dL/do = 2 (o - t)</c>. The scalar loss
    /// reported is the sum.</summary>
    None = 2,
}
