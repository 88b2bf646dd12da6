using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Explanation;

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017), as keras.io's recipe computes it: the gradient of a class's logit with respect
/// to a convolution's output (after its activation), averaged over height and width, weights that output's channels;
/// the map is the ReLU of their weighted sum, at the layer's own resolution.
/// </summary>
public static class GradCam
{
    /// <summary>
    /// The raw maps (N, h, w) of layer <paramref name="layer"/> for <paramref name="input"/> (the network's input, N
    /// images) and one class per image. One backward pass for the whole batch: images do not interact in eval mode,
    /// so the gradient of the summed logits is each image's own gradient.
    /// </summary>
    public static Tensor Compute(SequentialNet net, int layer, Tensor input, Tensor classes)
    {
        using var scope = NewDisposeScope();
        Tensor activations;
        using (no_grad()) activations = net.Forward(input, 0, layer);
        activations.requires_grad_(true);
        Tensor gradient;
        using (enable_grad())
        {
            var logits = net.Forward(activations, layer + 1, net.Spec.Layers.Count - 1);
            var score = logits.gather(1, classes.to_type(ScalarType.Int64).unsqueeze(1)).sum();
            gradient = autograd.grad([score], [activations])[0];
        }
        using (no_grad())
        {
            var weights = gradient.mean([2, 3], keepdim: true);
            return nn.functional.relu(activations.detach().mul(weights).sum(1)).contiguous().MoveToOuterDisposeScope();
        }
    }
}
