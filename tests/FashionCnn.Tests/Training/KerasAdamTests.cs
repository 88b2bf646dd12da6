using FashionCnn.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Training;

public class KerasAdamTests
{
    [Fact]
    public void Three_updates_follow_keras_formulas_computed_by_hand()
    {
        // Keras 3 Adam.update_step, in doubles: m += (g - m)(1 - b1); v += (g² - v)(1 - b2);
        // theta -= lr·sqrt(1 - b2^t)/(1 - b1^t) · m / (sqrt(v) + eps).
        var a = new Parameter(tensor(new float[] { 0.5f, -1.0f }));
        var b = new Parameter(tensor(new float[] { 2.0f }));
        using var adam = new KerasAdam([a, b], learningRate: 0.1, epsilon: 1e-7);
        double[] theta = [0.5, -1.0, 2.0], m = new double[3], v = new double[3];
        double[][] gradients = [[0.3, -0.2, 1e-9], [0.1, 0.4, -2.0], [-0.5, 0.0, 0.7]];

        for (int t = 1; t <= 3; t++)
        {
            a.grad = tensor(gradients[t - 1][..2].Select(g => (float)g).ToArray());
            b.grad = tensor(new[] { (float)gradients[t - 1][2] });
            adam.Update();
            double alpha = 0.1 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 3; i++)
            {
                double g = (float)gradients[t - 1][i];
                m[i] += (g - m[i]) * (1 - 0.9);
                v[i] += (g * g - v[i]) * (1 - 0.999);
                theta[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
            }
        }

        float[] actual = [.. a.data<float>().ToArray(), .. b.data<float>().ToArray()];
        for (int i = 0; i < 3; i++) Assert.Equal(theta[i], actual[i], 5);
        Assert.Equal(3, adam.Step);
    }

    [Fact]
    public void Restored_state_continues_exactly_as_the_original()
    {
        Parameter Make() => new(tensor(new float[] { 1, 2, 3 }));
        var first = Make();
        using var original = new KerasAdam([first]);
        for (int i = 0; i < 4; i++)
        {
            first.grad = tensor(new float[] { 0.1f * i, -0.2f, 0.3f });
            original.Update();
        }
        var (m, v, step) = original.State();
        var second = Make();
        using var resumed = new KerasAdam([second]);
        using (no_grad()) second.copy_(first);
        resumed.Restore(m, v, step);

        first.grad = tensor(new float[] { 0.5f, 0.5f, -0.5f });
        second.grad = tensor(new float[] { 0.5f, 0.5f, -0.5f });
        original.Update();
        resumed.Update();

        Assert.True(first.allclose(second, 0, 0));
    }
}
