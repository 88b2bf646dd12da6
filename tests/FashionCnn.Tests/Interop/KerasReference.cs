namespace FashionCnn.Tests.Interop;

/// <summary>
/// Keras layers written out as plain loops over channels-last arrays, straight from their definitions
/// (TensorFlow's "same" padding, inverted-free inference forms), as the oracle for imported models.
/// </summary>
internal static class KerasReference
{
    /// <summary>An (H, W, C) or (N) activation, channels last, row-major.</summary>
    public sealed record Activation(int[] Shape, double[] Values);

    public static Activation Conv2D(Activation x, float[] kernel, float[] bias, int k, int filters, int stride, bool same, bool relu)
    {
        int h = x.Shape[0], w = x.Shape[1], c = x.Shape[2];
        int oh = same ? (h + stride - 1) / stride : (h - k) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - k) / stride + 1;
        int padTop = same ? Math.Max((oh - 1) * stride + k - h, 0) / 2 : 0;
        int padLeft = same ? Math.Max((ow - 1) * stride + k - w, 0) / 2 : 0;
        var y = new double[oh * ow * filters];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int f = 0; f < filters; f++)
                {
                    double sum = bias[f];
                    for (int di = 0; di < k; di++)
                        for (int dj = 0; dj < k; dj++)
                        {
                            int yi = i * stride + di - padTop, xj = j * stride + dj - padLeft;
                            if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
                            for (int ch = 0; ch < c; ch++)
                                sum += x.Values[(yi * w + xj) * c + ch] * kernel[((di * k + dj) * c + ch) * filters + f]; // (kh, kw, in, out)
                        }
                    y[(i * ow + j) * filters + f] = relu ? Math.Max(0, sum) : sum;
                }
        return new Activation([oh, ow, filters], y);
    }

    public static Activation MaxPool(Activation x, int pool, int stride)
    {
        int h = x.Shape[0], w = x.Shape[1], c = x.Shape[2];
        int oh = (h - pool) / stride + 1, ow = (w - pool) / stride + 1;
        var y = new double[oh * ow * c];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int ch = 0; ch < c; ch++)
                {
                    double max = double.NegativeInfinity;
                    for (int di = 0; di < pool; di++)
                        for (int dj = 0; dj < pool; dj++)
                            max = Math.Max(max, x.Values[((i * stride + di) * w + j * stride + dj) * c + ch]);
                    y[(i * ow + j) * c + ch] = max;
                }
        return new Activation([oh, ow, c], y);
    }

    public static Activation Rescale(Activation x, double scale, double offset) =>
        x with { Values = x.Values.Select(v => v * scale + offset).ToArray() };

    /// <summary>Inference form over the last axis.</summary>
    public static Activation BatchNorm(Activation x, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon)
    {
        int c = x.Shape[^1];
        return x with
        {
            Values = x.Values.Select((v, i) =>
            {
                int ch = i % c;
                return (v - mean[ch]) / Math.Sqrt(variance[ch] + epsilon) * gamma[ch] + beta[ch];
            }).ToArray(),
        };
    }

    /// <summary>Keras' Flatten of a channels-last activation is its row-major order.</summary>
    public static Activation Flatten(Activation x) => new([x.Values.Length], x.Values);

    public static Activation Dense(Activation x, float[] kernel, float[] bias, int units, bool relu)
    {
        int n = x.Values.Length;
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double sum = bias[u];
            for (int i = 0; i < n; i++) sum += x.Values[i] * kernel[i * units + u]; // (in, out)
            y[u] = relu ? Math.Max(0, sum) : sum;
        }
        return new Activation([units], y);
    }
}
