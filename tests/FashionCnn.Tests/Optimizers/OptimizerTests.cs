using FashionCnn.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Optimizers;

/// <summary>
/// Each optimizer against its Keras 3 update rule worked by hand in doubles (keras/src/optimizers/*.py), over
/// three steps of gradients on two parameter tensors; and the shared machinery (state, resume, gradients).
/// </summary>
public class OptimizerTests
{
    private static readonly double[][] Gradients = [[0.3, -0.2, 1e-9], [0.1, 0.4, -2.0], [-0.5, 0.0, 0.7]];
    private static readonly double[] Start = [0.5, -1.0, 2.0];

    /// <summary>Runs three updates of <paramref name="settings"/> over two parameters whose gradients are set by hand.</summary>
    private static float[] ThreeSteps(OptimizerSettings settings)
    {
        var a = new Parameter(tensor(new float[] { 0.5f, -1.0f }));
        var b = new Parameter(tensor(new float[] { 2.0f }));
        using var optimizer = KerasOptimizer.Create(settings, [a, b]);
        for (int t = 0; t < 3; t++)
        {
            using (no_grad())
            {
                a.grad!.copy_(tensor(Gradients[t][..2].Select(g => (float)g).ToArray()));
                b.grad!.copy_(tensor(new[] { (float)Gradients[t][2] }));
            }
            optimizer.Update();
        }
        Assert.Equal(3, optimizer.Step);
        return [.. a.data<float>().ToArray(), .. b.data<float>().ToArray()];
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        // float32 arithmetic against doubles: a few units in the seventh digit.
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 2e-6, $"parameter {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Adam_follows_keras_formula_with_epsilon_on_the_uncorrected_root()
    {
        // m += (g - m)(1 - b1); v += (g² - v)(1 - b2); theta -= lr·sqrt(1 - b2^t)/(1 - b1^t) · m / (sqrt(v) + eps).
        double[] theta = [.. Start], m = new double[3], v = new double[3];
        for (int t = 1; t <= 3; t++)
        {
            double alpha = 0.1 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t - 1][i];
                m[i] += (g - m[i]) * (1 - 0.9);
                v[i] += (g * g - v[i]) * (1 - 0.999);
                theta[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
            }
        }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.1 }));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Rmsprop)]
    public void Adam_and_rmsprop_follow_keras_formulas_over_every_value_of_many_parameters(OptimizerKind kind)
    {
        // Both update the host's buffers a vector of values at a time and the last few one by one: 3 parameters of
        // 301 values in all, gradients of several magnitudes, ten steps, against the formulas worked in doubles.
        var random = new Random(17);
        int[] sizes = [256, 40, 5];
        double[] theta = Enumerable.Range(0, sizes.Sum()).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var parameters = new List<Parameter>();
        int offset = 0;
        foreach (int size in sizes)
        {
            parameters.Add(new Parameter(tensor(theta[offset..(offset + size)].Select(x => (float)x).ToArray())));
            offset += size;
        }
        double[] m = new double[theta.Length], v = new double[theta.Length];
        double lr = 0.01, rho = 0.9;
        using var optimizer = KerasOptimizer.Create(new OptimizerSettings { Kind = kind, LearningRate = lr }, parameters);
        for (int t = 1; t <= 10; t++)
        {
            float[] gradients = theta.Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 2)))).ToArray();
            offset = 0;
            foreach (var p in parameters)
            {
                using (no_grad()) p.grad!.copy_(tensor(gradients[offset..(offset + (int)p.numel())]));
                offset += (int)p.numel();
            }
            optimizer.Update();
            double alpha = lr * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < theta.Length; i++)
            {
                double g = gradients[i];
                if (kind == OptimizerKind.Adam)
                {
                    m[i] += (g - m[i]) * (1 - 0.9);
                    v[i] += (g * g - v[i]) * (1 - 0.999);
                    theta[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
                }
                else
                {
                    v[i] = rho * v[i] + (1 - rho) * g * g;
                    theta[i] -= lr * g / Math.Sqrt(v[i] + 1e-7);
                }
            }
        }
        AssertClose(theta, parameters.SelectMany(p => p.data<float>().ToArray()).ToArray());
    }

    [Fact]
    public void Sgd_without_momentum_subtracts_the_scaled_gradient_with_keras_default_rate()
    {
        double[] theta = [.. Start];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++) theta[i] -= 0.01 * (float)Gradients[t][i];
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Sgd }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sgd_with_momentum_keeps_keras_velocity(bool nesterov)
    {
        // m = mu·m - lr·g; theta += m, or with Nesterov theta += mu·m - lr·g.
        double lr = 0.05, mu = 0.9;
        double[] theta = [.. Start], m = new double[3];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t][i];
                m[i] = mu * m[i] - lr * g;
                theta[i] += nesterov ? mu * m[i] - lr * g : m[i];
            }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = lr, Momentum = mu, Nesterov = nesterov }));
    }

    [Fact]
    public void Rmsprop_puts_epsilon_inside_the_square_root()
    {
        // v = rho·v + (1 - rho)·g²; theta -= lr·g / sqrt(v + eps), v starting at 0.
        double lr = 0.01, rho = 0.8;
        double[] theta = [.. Start], v = new double[3];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t][i];
                v[i] = rho * v[i] + (1 - rho) * g * g;
                theta[i] -= lr * g / Math.Sqrt(v[i] + 1e-7);
            }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Rmsprop, LearningRate = lr, Rho = rho }));
    }

    [Fact]
    public void Adagrad_starts_its_accumulator_at_one_tenth()
    {
        // a = 0.1 initially; a += g²; theta -= lr·g / sqrt(a + eps).
        double lr = 0.2;
        double[] theta = [.. Start], acc = [0.1, 0.1, 0.1];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t][i];
                acc[i] += g * g;
                theta[i] -= lr * g / Math.Sqrt(acc[i] + 1e-7);
            }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Adagrad, LearningRate = lr }));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, new[] { "optimizer.m", "optimizer.v" })]
    [InlineData(OptimizerKind.Rmsprop, new[] { "optimizer.velocity" })]
    [InlineData(OptimizerKind.Adagrad, new[] { "optimizer.accumulator" })]
    [InlineData(OptimizerKind.Sgd, new string[0])]
    public void Restored_state_continues_exactly_as_the_original(OptimizerKind kind, string[] slots)
    {
        var settings = new OptimizerSettings { Kind = kind };
        Parameter Make() => new(tensor(new float[] { 1, 2, 3 }));
        var first = Make();
        using var original = KerasOptimizer.Create(settings, [first]);
        for (int i = 0; i < 4; i++)
        {
            using (no_grad()) first.grad!.copy_(tensor(new float[] { 0.1f * i, -0.2f, 0.3f }));
            original.Update();
        }
        var state = original.State();
        Assert.Equal(slots, state.Select(s => s.Name));
        var second = Make();
        using var resumed = KerasOptimizer.Create(settings, [second]);
        using (no_grad()) second.copy_(first);
        resumed.Restore(state, original.Step, null, "test");

        foreach (var p in new[] { first, second })
            using (no_grad()) p.grad!.copy_(tensor(new float[] { 0.5f, 0.5f, -0.5f }));
        original.Update();
        resumed.Update();

        Assert.True(first.allclose(second, 0, 0));
        Assert.Equal(5, resumed.Step);
    }

    [Fact]
    public void Backward_accumulates_into_the_optimizers_gradient_buffer()
    {
        // The same linear model twice: once through the optimizer's flat buffers, once with autograd's own
        // gradients applied by hand. One SGD step must move both the same way.
        using var x = tensor(new float[] { 1, 2, -1, 0.5f, 3, -2 }, [2, 3]);
        using var target = tensor(new float[] { 0.5f, -1, 2, 0 }, [2, 2]);
        using var a = nn.Linear(3, 2);
        using var b = nn.Linear(3, 2);
        using (no_grad())
        {
            b.weight!.copy_(a.weight!);
            b.bias!.copy_(a.bias!);
        }
        using var optimizer = KerasOptimizer.Create(new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, a.parameters());
        for (int step = 0; step < 2; step++)
        {
            optimizer.ZeroGrad();
            nn.functional.mse_loss(a.call(x), target).backward();
            optimizer.Update();

            b.zero_grad();
            nn.functional.mse_loss(b.call(x), target).backward();
            using (no_grad())
            {
                b.weight!.sub_(b.weight.grad!.mul(0.1));
                b.bias!.sub_(b.bias.grad!.mul(0.1));
            }
        }
        Assert.True(a.weight!.allclose(b.weight!, 1e-6, 1e-7));
        Assert.True(a.bias!.allclose(b.bias!, 1e-6, 1e-7));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.9, false, null, "--momentum and --nesterov are options of --optimizer sgd")]
    [InlineData(OptimizerKind.Rmsprop, 0.0, false, null, "--momentum and --nesterov are options of --optimizer sgd")]
    [InlineData(OptimizerKind.Sgd, 0.0, true, null, "--nesterov needs a --momentum above 0")]
    [InlineData(OptimizerKind.Sgd, null, true, null, "--nesterov needs a --momentum above 0")]
    [InlineData(OptimizerKind.Sgd, 1.0, false, null, "--momentum must be at least 0 and below 1")]
    [InlineData(OptimizerKind.Adam, null, false, 0.5, "--rho is an option of --optimizer rmsprop")]
    [InlineData(OptimizerKind.Adam, null, false, 0.9, "--rho is an option of --optimizer rmsprop")]
    [InlineData(OptimizerKind.Sgd, 0.5, false, 0.9, "--rho is an option of --optimizer rmsprop")]
    [InlineData(OptimizerKind.Rmsprop, null, false, 1.0, "--rho must be above 0 and below 1")]
    public void Options_the_optimizer_does_not_have_are_refused(OptimizerKind kind, double? momentum, bool nesterov, double? rho, string message)
    {
        var settings = new OptimizerSettings { Kind = kind, Momentum = momentum, Nesterov = nesterov, Rho = rho };
        var error = Assert.Throws<FashionCnnException>(() => settings.Validated());
        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.01)]
    [InlineData(OptimizerKind.Adam, 0.001)]
    [InlineData(OptimizerKind.Rmsprop, 0.001)]
    [InlineData(OptimizerKind.Adagrad, 0.001)]
    public void Default_learning_rates_are_keras(OptimizerKind kind, double rate) =>
        Assert.Equal(rate, new OptimizerSettings { Kind = kind }.EffectiveLearningRate);

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.05, 0.9, true, 0.9, "sgd (learning rate 0.05, momentum 0.9, nesterov)")]
    [InlineData(OptimizerKind.Rmsprop, null, null, false, 0.8, "rmsprop (learning rate 0.001, rho 0.8)")]
    [InlineData(OptimizerKind.Rmsprop, null, null, false, null, "rmsprop (learning rate 0.001, rho 0.9)")]
    [InlineData(OptimizerKind.Adagrad, 0.01, null, false, null, "adagrad (learning rate 0.01)")]
    public void Settings_recorded_as_json_are_described_as_on_the_command_line(OptimizerKind kind, double? rate, double? momentum, bool nesterov, double? rho, string text)
    {
        var settings = new OptimizerSettings { Kind = kind, LearningRate = rate, Momentum = momentum, Nesterov = nesterov, Rho = rho };
        Assert.Equal(text, OptimizerSettings.DescribeJson(settings.ToJson()));
        Assert.Equal("{\"name\":\"nadam\"}", OptimizerSettings.DescribeJson("{\"name\":\"nadam\"}")); // not ours: shown as it is
    }
}
