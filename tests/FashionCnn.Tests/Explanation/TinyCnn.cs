using FashionCnn.Model;
using FashionCnn.Model.Layers;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Explanation;

/// <summary>
/// A 6×6 CNN small enough to compute by hand: Conv2D(2, 3×3, same, relu) → Conv2D(3, 3×3, valid, relu) →
/// MaxPooling2D(2) → Flatten → Dense(4) (logits), with seeded weights. <see cref="Net"/> is the network under test;
/// the rest is a plain double-precision forward written with loops, the reference the tests compare against.
/// </summary>
internal sealed class TinyCnn : IDisposable
{
    public const int Side = 6, Classes = 4;
    private const int FiltersA = 2, FiltersB = 3, Pooled = 2;

    private readonly double[,,,] _kernelA = new double[FiltersA, 1, 3, 3], _kernelB = new double[FiltersB, FiltersA, 3, 3];
    private readonly double[] _biasA = new double[FiltersA], _biasB = new double[FiltersB], _biasDense = new double[Classes];
    private readonly double[,] _dense = new double[Classes, Pooled * Pooled * FiltersB];

    public static readonly ModelSpec Spec = new(new TensorShape(Side, Side, 1),
    [
        new Conv2D("conv_a", FiltersA, 3, Activation.Relu),
        new Conv2D("conv_b", FiltersB, 3, Activation.Relu, SamePadding: false),
        new MaxPooling2D("pool"),
        new Flatten("flatten"),
        new Dense("dense", Classes, Activation.Softmax),
    ]);

    public SequentialNet Net { get; }

    /// <param name="biasB">Added to conv_b's biases: a positive one keeps its outputs above 0, so no two values in a pooling window tie.</param>
    public TinyCnn(int seed, double biasB = 0)
    {
        var random = new Random(seed);
        // Rounded to float32, so the reference and the network hold the very same weights.
        double Next() => (float)(random.NextDouble() * 2 - 1);
        Fill(_kernelA, Next);
        Fill(_kernelB, Next);
        for (int i = 0; i < FiltersA; i++) _biasA[i] = (float)(0.1 * Next());
        for (int i = 0; i < FiltersB; i++) _biasB[i] = (float)(0.1 * Next() + biasB);
        for (int o = 0; o < Classes; o++)
        {
            _biasDense[o] = (float)(0.1 * Next());
            for (int j = 0; j < _dense.GetLength(1); j++) _dense[o, j] = Next();
        }
        Net = new SequentialNet(Spec);
        using (no_grad())
        {
            Net.WeightAndBias(0).Weight.copy_(tensor(Flat(_kernelA), [FiltersA, 1, 3, 3]));
            Net.WeightAndBias(0).Bias.copy_(tensor(_biasA.Select(v => (float)v).ToArray()));
            Net.WeightAndBias(1).Weight.copy_(tensor(Flat(_kernelB), [FiltersB, FiltersA, 3, 3]));
            Net.WeightAndBias(1).Bias.copy_(tensor(_biasB.Select(v => (float)v).ToArray()));
            Net.WeightAndBias(4).Weight.copy_(tensor(Flat(_dense), [Classes, _dense.GetLength(1)]));
            Net.WeightAndBias(4).Bias.copy_(tensor(_biasDense.Select(v => (float)v).ToArray()));
        }
        Net.eval();
    }

    /// <summary>conv_a's output (after ReLU) for an image of network inputs (pixel / 255), [y, x, channel].</summary>
    public double[,,] LayerA(double[,] image)
    {
        var input = new double[Side, Side, 1];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                input[y, x, 0] = image[y, x];
        return Convolve(input, _kernelA, _biasA, padding: 1);
    }

    /// <summary>conv_b's output (after ReLU) from conv_a's.</summary>
    public double[,,] LayerB(double[,,] a) => Convolve(a, _kernelB, _biasB, padding: 0);

    /// <summary>The logits from conv_b's output: 2×2 max pooling, Keras' (height, width, channel) flatten, the Dense layer.</summary>
    public double[] Head(double[,,] b)
    {
        var flat = new double[Pooled * Pooled * FiltersB];
        for (int y = 0; y < Pooled; y++)
            for (int x = 0; x < Pooled; x++)
                for (int c = 0; c < FiltersB; c++)
                    flat[(y * Pooled + x) * FiltersB + c] = Math.Max(Math.Max(b[2 * y, 2 * x, c], b[2 * y, 2 * x + 1, c]),
                        Math.Max(b[2 * y + 1, 2 * x, c], b[2 * y + 1, 2 * x + 1, c]));
        var logits = new double[Classes];
        for (int o = 0; o < Classes; o++)
        {
            logits[o] = _biasDense[o];
            for (int j = 0; j < flat.Length; j++) logits[o] += _dense[o, j] * flat[j];
        }
        return logits;
    }

    public double[] Logits(double[,] image) => Head(LayerB(LayerA(image)));

    public double[] Probabilities(double[,] image)
    {
        double[] logits = Logits(image);
        double max = logits.Max();
        double[] e = logits.Select(l => Math.Exp(l - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    /// <summary>A cross-correlation with zero padding, stride 1, then ReLU, as Keras' Conv2D computes it.</summary>
    private static double[,,] Convolve(double[,,] input, double[,,,] kernel, double[] bias, int padding)
    {
        int size = input.GetLength(0), inputs = input.GetLength(2), outputs = kernel.GetLength(0);
        int outSize = size + 2 * padding - 2;
        var result = new double[outSize, outSize, outputs];
        for (int y = 0; y < outSize; y++)
            for (int x = 0; x < outSize; x++)
                for (int o = 0; o < outputs; o++)
                {
                    double sum = bias[o];
                    for (int i = 0; i < inputs; i++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int sy = y + ky - padding, sx = x + kx - padding;
                                if (sy >= 0 && sy < size && sx >= 0 && sx < size) sum += kernel[o, i, ky, kx] * input[sy, sx, i];
                            }
                    result[y, x, o] = Math.Max(sum, 0);
                }
        return result;
    }

    private static void Fill(double[,,,] array, Func<double> next)
    {
        for (int a = 0; a < array.GetLength(0); a++)
            for (int b = 0; b < array.GetLength(1); b++)
                for (int c = 0; c < array.GetLength(2); c++)
                    for (int d = 0; d < array.GetLength(3); d++)
                        array[a, b, c, d] = next();
    }

    private static float[] Flat(Array array) => array.Cast<double>().Select(v => (float)v).ToArray();

    /// <summary>Seeded 6×6 grey images as the data set stores them: bytes, image i at [i · 36 ..].</summary>
    public static byte[] Images(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * Side * Side];
        random.NextBytes(pixels);
        return pixels;
    }

    /// <summary>Image <paramref name="index"/> as the network takes it (pixel / 255), in double.</summary>
    public static double[,] Input(byte[] pixels, int index)
    {
        var image = new double[Side, Side];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                image[y, x] = pixels[index * Side * Side + y * Side + x] / 255.0;
        return image;
    }

    public void Dispose() => Net.Dispose();
}
