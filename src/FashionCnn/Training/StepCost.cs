using FashionCnn.Model;

namespace FashionCnn.Training;

/// <summary>
/// The arithmetic of a model, counted from its layers (a multiply and an add are two operations): what a step
/// would cost on a machine that did nothing but arithmetic, against which bench reports the achieved rate.
/// </summary>
public static class StepCost
{
    /// <summary>
    /// Operations of one image's training step: the forward pass, the gradient of every kernel (as much again) and
    /// the gradient of every layer's input (as much again), except the first weighted layer's, whose input needs none.
    /// </summary>
    public static long TrainingFlops(ModelSpec spec)
    {
        var weighted = spec.Shapes().Select(row => row.Layer.Flops(row.Input, row.Output)).Where(f => f > 0).ToList();
        return weighted.Count == 0 ? 0 : 3 * weighted.Sum() - weighted[0];
    }
}
