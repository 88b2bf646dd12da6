using FashionCnn.Plotting;

namespace FashionCnn.Tests.Plotting;

/// <summary>The untrained weights' histogram: Glorot's uniform U(−limit, limit) fills whole bins, none half-filled at the limits.</summary>
public class HistogramTests
{
    // The book CNN's conv2d_1: a 3×3 kernel from 32 to 64 channels, fan_in 288 and fan_out 576, limit sqrt(6 / 864) = 0.0833.
    private static readonly double Limit = Math.Sqrt(6.0 / (3 * 3 * 32 + 3 * 3 * 64));

    [Fact]
    public void Glorots_limit_its_negative_and_zero_are_bin_edges_and_the_bins_cover_the_range()
    {
        var bins = HistogramBins(-0.1, 0.1);

        foreach (double edge in new[] { -Limit, 0, Limit })
        {
            double steps = (edge - bins.Origin) / bins.Width;
            Assert.True(Math.Abs(steps - Math.Round(steps)) < 1e-9, $"{edge} is {steps} bins from the first edge");
        }
        Assert.True(bins.Origin <= -0.1 && bins.Edge(bins.Count) >= 0.1);
        Assert.InRange(bins.Count, Histogram.Bins * 3 / 4, Histogram.Bins * 5 / 4);
    }

    [Fact]
    public void Uniform_weights_between_the_limits_fill_every_bin_they_touch_alike()
    {
        var random = new Random(42);
        float[] values = Enumerable.Range(0, 18_432).Select(_ => (float)((random.NextDouble() * 2 - 1) * Limit)).ToArray();
        var bins = HistogramBins(-0.1, 0.1);

        var (counts, nonFinite) = bins.Tally(values);

        var used = counts.Where(c => c > 0).ToArray();
        double expected = values.Length / (2 * Limit / bins.Width);
        Assert.Equal(0, nonFinite);
        Assert.Equal(Math.Round(2 * Limit / bins.Width), used.Length);
        Assert.All(used, c => Assert.InRange(c, expected * 0.75, expected * 1.25)); // the outermost bins too, not half-filled
    }

    [Fact]
    public void Without_a_limit_the_range_is_cut_into_the_usual_bins()
    {
        var bins = Histogram.BinsFor(-0.5, 1.5);

        Assert.Equal((-0.5, 0.05, Histogram.Bins), (bins.Origin, bins.Width, bins.Count));
    }

    private static HistogramBins HistogramBins(double min, double max) => Histogram.BinsFor(min, max, Limit);
}
