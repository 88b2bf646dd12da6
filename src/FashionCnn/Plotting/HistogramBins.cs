namespace FashionCnn.Plotting;

/// <summary>Bins of equal <paramref name="Width"/>, the first starting at <paramref name="Origin"/>.</summary>
public sealed record HistogramBins(double Origin, double Width, int Count)
{
    public double Edge(int i) => Origin + i * Width;

    /// <summary>How many finite values fall in each bin (a value on an edge counts in the bin above it), and how many are not finite.</summary>
    public (double[] Counts, int NonFinite) Tally(IEnumerable<float> values)
    {
        var counts = new double[Count];
        int nonFinite = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v)) counts[Math.Clamp((int)Math.Floor((v - Origin) / Width), 0, Count - 1)]++;
            else nonFinite++;
        }
        return (counts, nonFinite);
    }
}
