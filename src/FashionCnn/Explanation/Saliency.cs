using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Explanation;

/// <summary>
/// Saliency (Simonyan et al., 2014): the absolute gradient of a class's logit with respect to each value the network
/// takes (the pixels as it sees them: pixel / 255, or raw 0–255 for a model that starts with Rescaling).
/// </summary>
public static class Saliency
{
    /// <summary>
    /// The maps (N, values) in the image's (H, W, C) byte order for <paramref name="input"/> (the network's input, N images)
    /// and one class per image: an input (28, 28, 1) gives its one channel, an input (784,) its values, both as the 784
    /// pixels of the 28×28 image, and an input (32, 32, 3) each pixel's three channels together
    /// (<see cref="SequentialNet.InputFromPixels"/> put byte i at Keras-order position i).
    /// </summary>
    public static Tensor Compute(SequentialNet net, Tensor input, Tensor classes)
    {
        using var scope = NewDisposeScope();
        var x = input.detach().clone().requires_grad_(true);
        Tensor gradient;
        using (enable_grad())
        {
            var score = net.call(x).gather(1, classes.to_type(ScalarType.Int64).unsqueeze(1)).sum();
            gradient = autograd.grad([score], [x])[0];
        }
        // The network holds an image (H, W, C) as (N, C, H, W); Keras' order is what the pixels were reshaped into.
        var kerasOrder = gradient.dim() == 4 ? gradient.permute(0, 2, 3, 1) : gradient;
        return kerasOrder.abs().reshape(gradient.shape[0], -1).contiguous().MoveToOuterDisposeScope();
    }
}
