using System.Globalization;

namespace FashionCnn.Reports;

/// <summary>Probabilities as percentages a reader can trust.</summary>
public static class Percent
{
    /// <summary>
    /// A probability below 1 with as many decimals as it takes not to read as certain: 97%, 99.6%, 99.97%, and
    /// "&gt;99.99%" beyond that. A wrong prediction labelled "100%" would tell a learner the network was sure.
    /// </summary>
    public static string Uncertain(double probability)
    {
        for (int decimals = 0; decimals <= 2; decimals++)
        {
            double shown = Math.Round(probability * 100, decimals, MidpointRounding.AwayFromZero);
            if (shown < 100) return shown.ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";
        }
        return ">99.99%";
    }

    /// <summary>
    /// A probability of any size: as <see cref="Uncertain"/> from 1%, with up to two decimals below (0.35%), and
    /// "&lt;0.01%" rather than a "0%" that would read as impossible.
    /// </summary>
    public static string Any(double probability) =>
        probability >= 0.01 ? Uncertain(probability)
        : probability >= 0.0001 ? (probability * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%"
        : "<0.01%";
}
