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
}
