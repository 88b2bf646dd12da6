using System.Text.Json.Nodes;
using FashionCnn.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Optimizers;

/// <summary>
/// Keras 3's schedules (keras/src/optimizers/schedules/learning_rate_schedule.py) against their formulas worked by hand in
/// doubles at several steps, and applied per step by every optimizer as Keras does: the update made after t steps uses the
/// schedule at t (Keras calls it with optimizer.iterations before incrementing).
/// </summary>
public class LearningRateScheduleTests
{
    private static void AssertRate(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-15 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(7, 0.09971465392637996)] // 0.1 · 0.96^(7/100), by numpy
    [InlineData(250, 0.09029798987795908)] // 0.1 · 0.96^2.5
    public void Exponential_decay_is_initial_times_rate_to_the_fraction_of_decay_steps(long step, double expected)
    {
        var schedule = new ExponentialDecay(0.1, 100, 0.96);
        AssertRate(expected, schedule.At(step));
        AssertRate(0.1 * Math.Pow(0.96, step / 100.0), schedule.At(step));
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(99, 0.1)]
    [InlineData(100, 0.096)]
    [InlineData(250, 0.09216)] // 0.1 · 0.96² : the exponent floored
    public void Exponential_decay_with_staircase_falls_once_every_decay_steps(long step, double expected) =>
        AssertRate(expected, new ExponentialDecay(0.1, 100, 0.96, Staircase: true).At(step));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(100, 1.0)] // step <= boundaries[0]
    [InlineData(101, 0.5)]
    [InlineData(110, 0.5)] // boundaries[0] < step <= boundaries[1]
    [InlineData(111, 0.1)] // after the last boundary
    [InlineData(100_000, 0.1)]
    public void Piecewise_constant_takes_the_value_of_the_interval_the_step_is_in(long step, double expected) =>
        AssertRate(expected, new PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1]).At(step));

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(250, 0.08681980515339464)] // 0.1 · (0.9 · ½(1 + cos(π/4)) + 0.1), by numpy
    [InlineData(500, 0.055)]
    [InlineData(1000, 0.01)] // alpha · initial
    [InlineData(5000, 0.01)] // the step is clipped at decay_steps
    public void Cosine_decay_falls_from_initial_to_alpha_times_initial(long step, double expected)
    {
        var schedule = new CosineDecay(0.1, 1000, Alpha: 0.1);
        AssertRate(expected, schedule.At(step));
        AssertRate(0.1 * (0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, 1000) / 1000.0)) + 0.1), schedule.At(step));
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(50, 0.05)] // linear warm-up: (target − initial) · step / warmup_steps + initial
    [InlineData(99, 0.099)]
    [InlineData(100, 0.1)] // the decay starts at the target, its step counted from the warm-up's end
    [InlineData(600, 0.05)] // 0.1 · ½(1 + cos(π/2))
    [InlineData(1100, 0.0)]
    [InlineData(9000, 0.0)] // clipped at decay_steps + warmup_steps
    public void Cosine_decay_with_warmup_rises_linearly_then_decays_from_the_target(long step, double expected) =>
        AssertRate(expected, new CosineDecay(0.0, 1000, WarmupTarget: 0.1, WarmupSteps: 100).At(step));

    /// <summary>Three updates over one parameter with the gradients of the optimizer tests.</summary>
    private static (float[] Theta, double Rate) ThreeSteps(OptimizerSettings settings)
    {
        var p = new Parameter(tensor(new float[] { 0.5f, -1.0f, 2.0f }));
        using var optimizer = KerasOptimizer.Create(settings, [p]);
        foreach (var g in Gradients)
        {
            using (no_grad()) p.grad!.copy_(tensor(g.Select(x => (float)x).ToArray()));
            optimizer.Update();
        }
        return (p.data<float>().ToArray(), optimizer.CurrentLearningRate);
    }

    private static readonly double[][] Gradients = [[0.3, -0.2, 1e-9], [0.1, 0.4, -2.0], [-0.5, 0.0, 0.7]];

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 2e-6, $"parameter {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Sgd_uses_the_schedule_at_the_steps_done_before_each_update()
    {
        // lr(t) = 0.1 · 0.5^(t/1) for the updates after t = 0, 1, 2 steps: 0.1, 0.05, 0.025.
        var schedule = new ExponentialDecay(0.1, 1, 0.5);
        double[] theta = [0.5, -1.0, 2.0];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++) theta[i] -= 0.1 * Math.Pow(0.5, t) * (float)Gradients[t][i];
        var (actual, rate) = ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Sgd, Schedule = schedule });
        AssertClose(theta, actual);
        AssertRate(0.0125, rate); // the rate of the next update, after three steps
    }

    [Fact]
    public void Sgd_momentum_keeps_the_rate_of_each_step_in_its_velocity()
    {
        // Keras: m ← μ·m − lr(t)·g, θ ← θ + m, with lr from a piecewise schedule: 0.1 for steps 0 and 1, then 0.01.
        var schedule = new PiecewiseConstantDecay([1], [0.1, 0.01]);
        double[] theta = [0.5, -1.0, 2.0], m = new double[3];
        double[] rates = [0.1, 0.1, 0.01];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                m[i] = 0.9 * m[i] - rates[t] * (float)Gradients[t][i];
                theta[i] += m[i];
            }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9, Schedule = schedule }).Theta);
    }

    [Fact]
    public void Adam_scales_its_step_by_the_schedules_rate()
    {
        var schedule = new CosineDecay(0.1, 4);
        double[] theta = [0.5, -1.0, 2.0], m = new double[3], v = new double[3];
        for (int t = 1; t <= 3; t++)
        {
            double rate = 0.1 * 0.5 * (1 + Math.Cos(Math.PI * (t - 1) / 4.0));
            double alpha = rate * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t - 1][i];
                m[i] += (g - m[i]) * (1 - 0.9);
                v[i] += (g * g - v[i]) * (1 - 0.999);
                theta[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
            }
        }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = OptimizerKind.Adam, Schedule = schedule }).Theta);
    }

    [Theory]
    [InlineData(OptimizerKind.Rmsprop)]
    [InlineData(OptimizerKind.Adagrad)]
    public void Rmsprop_and_adagrad_take_the_schedules_rate_for_each_update(OptimizerKind kind)
    {
        // v starts at 0 (rmsprop, v ← 0.9·v + 0.1·g²) or 0.1 (adagrad, a ← a + g²); θ ← θ − lr(t)·g / √(v + ε).
        var schedule = new PiecewiseConstantDecay([0, 1], [0.1, 0.05, 0.02]);
        double[] rates = [0.1, 0.05, 0.02];
        double[] theta = [0.5, -1.0, 2.0], v = Enumerable.Repeat(kind == OptimizerKind.Adagrad ? 0.1 : 0.0, 3).ToArray();
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 3; i++)
            {
                double g = (float)Gradients[t][i];
                v[i] = kind == OptimizerKind.Adagrad ? v[i] + g * g : 0.9 * v[i] + 0.1 * g * g;
                theta[i] -= rates[t] * g / Math.Sqrt(v[i] + 1e-7);
            }
        AssertClose(theta, ThreeSteps(new OptimizerSettings { Kind = kind, Schedule = schedule }).Theta);
    }

    [Fact]
    public void A_schedule_as_keras_serialises_it_reads_back_with_its_arguments()
    {
        // keras.optimizers.schedules.serialize(ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)),
        // the form of the function's docstring, with get_config()'s keys.
        var json = JsonNode.Parse("""
            {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
             "config": {"initial_learning_rate": 0.1, "decay_steps": 100000, "decay_rate": 0.96, "staircase": true, "name": "ExponentialDecay"},
             "registered_name": null}
            """);
        var schedule = LearningRateSchedule.FromKerasJson(json, "test");
        Assert.Equal(new ExponentialDecay(0.1, 100000, 0.96, Staircase: true), schedule);
        Assert.Equal(schedule, LearningRateSchedule.FromKerasJson(schedule.ToKerasJson(), "again"));

        var cosine = LearningRateSchedule.FromKerasJson(JsonNode.Parse("""
            {"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.0, "decay_steps": 1000, "alpha": 0.0, "name": "CosineDecay",
             "warmup_target": 0.1, "warmup_steps": 1000}}
            """), "test");
        AssertRate(0.05, cosine.At(500));
        var piecewise = LearningRateSchedule.FromKerasJson(JsonNode.Parse("""
            {"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [100000, 110000], "values": [1.0, 0.5, 0.1], "name": "PiecewiseConstant"}}
            """), "test");
        AssertRate(0.5, piecewise.At(100001));
    }

    [Theory]
    [InlineData("""{"class_name": "PolynomialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10}}""", "PolynomialDecay is not one this tool has")]
    [InlineData("""{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9, "cycle": true}}""", "cycle is not an argument")]
    [InlineData("""{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.9}}""", "decay_steps must be > 0")]
    [InlineData("""{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_rate": 0.9}}""", "decay_steps must be a number")]
    [InlineData("""{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10], "values": [0.1, 0.01, 0.001]}}""", "1 less than the length of values")]
    [InlineData("""{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10.5], "values": [0.1, 0.01]}}""", "whole numbers")]
    [InlineData("""{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "warmup_steps": 5}}""", "needs a warmup_target")]
    [InlineData("""{"config": {}}""", "not a Keras learning-rate schedule")]
    public void A_schedule_that_keras_would_refuse_or_that_this_tool_lacks_is_one_sentence(string json, string message)
    {
        var error = Assert.Throws<FashionCnnException>(() => LearningRateSchedule.FromKerasJson(JsonNode.Parse(json), "schedule.json"));
        Assert.Contains(message, error.Message);
        Assert.StartsWith("schedule.json: ", error.Message);
    }

    [Fact]
    public void An_optimizer_with_a_schedule_has_no_rate_to_set()
    {
        var p = new Parameter(tensor(new float[] { 1f }));
        using var optimizer = KerasOptimizer.Create(new OptimizerSettings { Schedule = new ExponentialDecay(0.1, 1, 0.5) }, [p]);
        Assert.Throws<InvalidOperationException>(() => optimizer.SetLearningRate(0.01));
    }

    [Fact]
    public void The_recorded_settings_carry_the_schedule_and_describe_it()
    {
        var settings = new OptimizerSettings { Kind = OptimizerKind.Sgd, Schedule = new ExponentialDecay(0.01, 100, 0.5, Staircase: true) };
        var json = JsonNode.Parse(settings.ToJson())!;
        Assert.Equal("ExponentialDecay", (string?)json["learning_rate_schedule"]!["class_name"]);
        Assert.Equal(0.01, (double?)json["learning_rate"]);
        Assert.Equal("sgd (learning rate exponential (initial 0.01, decay_steps 100, decay_rate 0.5, staircase))", OptimizerSettings.DescribeJson(settings.ToJson()));
    }
}
