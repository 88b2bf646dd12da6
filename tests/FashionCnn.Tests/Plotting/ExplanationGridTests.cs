using FashionCnn.Plotting;

namespace FashionCnn.Tests.Plotting;

/// <summary>What the explanation picture says about its maps.</summary>
public class ExplanationGridTests
{
    private static ExplanationCell Cell(float mapValue, string caption) =>
        new(Enumerable.Repeat(128f, 28 * 28).ToArray(), Enumerable.Repeat(mapValue, 28 * 28).ToArray(), caption);

    private static string[] Texts(ScottPlot.Plot plot) =>
        plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToArray();

    [Fact]
    public void A_map_that_is_all_zero_is_labelled_so_and_only_that_one()
    {
        var (plot, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(0f, "a"), Cell(0.5f, "b"), Cell(0f, "c")]);

        Assert.Equal(2, Texts(plot).Count(t => t == "all zero"));
    }

    [Fact]
    public void A_single_image_with_an_all_zero_map_is_labelled_too()
    {
        var (zero, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(0f, "a")]);
        var (some, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(1f, "a")]);

        Assert.Contains("all zero", Texts(zero));
        Assert.DoesNotContain("all zero", Texts(some));
    }
}
