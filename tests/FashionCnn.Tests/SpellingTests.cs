using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Optimizers;
using FashionCnn.Training;

namespace FashionCnn.Tests;

/// <summary>Each enum the command line takes is spelled in one library table, which names every value once.</summary>
public class SpellingTests
{
    private enum Colour { Red, Green, Blue }

    [Fact]
    public void A_table_that_leaves_out_a_value_or_names_one_twice_is_a_bug_found_when_it_is_made()
    {
        Assert.Throws<InvalidOperationException>(() => new Spelling<Colour>("--colour", ("red", Colour.Red), ("green", Colour.Green)));
        Assert.Throws<InvalidOperationException>(() => new Spelling<Colour>("--colour", ("red", Colour.Red), ("green", Colour.Green), ("blue", Colour.Blue), ("Blue", Colour.Blue)));
        Assert.Throws<InvalidOperationException>(() => new Spelling<Colour>("--colour", ("red", Colour.Red), ("green", Colour.Green), ("RED", Colour.Blue)));
    }

    [Fact]
    public void A_name_reads_back_in_any_case_and_anything_else_is_one_line_naming_the_option_and_every_name()
    {
        var colours = new Spelling<Colour>("--colour", ("red", Colour.Red), ("green", Colour.Green), ("blue", Colour.Blue));

        Assert.Equal(Colour.Green, colours.Parse("GREEN"));
        Assert.Equal("blue", colours.Name(Colour.Blue));
        Assert.Equal("--colour must be red, green or blue (got pink).", Assert.Throws<FashionCnnException>(() => colours.Parse("pink")).Message);
    }

    [Fact]
    public void Every_table_of_the_library_names_each_value_and_reads_its_own_names_back()
    {
        AssertRoundTrip(OptimizerSettings.Names, ["adam", "sgd", "rmsprop", "adagrad"]);
        AssertRoundTrip(Precisions.Spelling, ["float32", "mixed_bfloat16"]);
        AssertRoundTrip(RestoreBests.Spelling, ["always", "on-stop"]);
        AssertRoundTrip(ExportFormats.Spelling, ["pt", "safetensors", "onnx"]);
        AssertRoundTrip(FashionCnn.Compute.DeviceChoices.Spelling, ["auto", "cpu", "cuda"]);
        AssertRoundTrip(FashionCnn.Data.ColorModes.Spelling, ["grayscale", "rgb"]);
        AssertRoundTrip(FashionCnn.Explanation.ExplainMethodNames.Spelling, ["gradcam", "saliency", "occlusion"]);
        AssertRoundTrip(FashionCnn.Prediction.Inverts.Spelling, ["auto", "yes", "no"]);
        AssertRoundTrip(InferenceEngines.Spelling, ["torchsharp", "onnxruntime"]);
    }

    private static void AssertRoundTrip<T>(Spelling<T> spelling, string[] keras) where T : struct, Enum
    {
        Assert.Equal(keras, spelling.Names);
        Assert.All(Enum.GetValues<T>(), value => Assert.Equal(value, spelling.Parse(spelling.Name(value))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(int.MaxValue)]
    public void A_thread_count_outside_one_to_four_per_core_is_refused_in_one_place(int threads)
    {
        var error = Assert.Throws<FashionCnnException>(() => new FashionCnn.Compute.ComputeOptions { Threads = threads }.Require());

        Assert.Contains($"--threads must be between 1 and {4 * Environment.ProcessorCount}", error.Message);
        Assert.Contains($"got {threads}", error.Message);
    }
}
