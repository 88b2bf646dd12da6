using FashionCnn.Model;
using FashionCnn.Model.Layers;

namespace FashionCnn.Tests.Model;

/// <summary>Numbers from the book's model.summary() (chapter 8-2) and from Keras' glorot_uniform formula.</summary>
public class ModelSpecTests
{
    [Fact]
    public void The_books_cnn_follows_32_by_32_rgb_images_of_4_classes()
    {
        var spec = ModelSpec.Book.ForData(32, 32, 3, 4);

        Assert.Equal(new TensorShape(32, 32, 3), spec.InputShape);
        Assert.Equal(new TensorShape(4096), spec.Shapes()[4].Output); // Flatten: 32 → 16 → 8 after two poolings, × 64 filters
        Assert.Equal(new TensorShape(4), spec.OutputShape);
        // Worked by hand: conv 3·3·3·32 + 32, conv 3·3·32·64 + 64, dense 4,096·100 + 100, dense 100·4 + 4.
        Assert.Equal(896 + 18_496 + 409_700 + 404, spec.ParameterCount);
    }

    [Fact]
    public void A_flat_input_model_stays_flat_when_it_follows_the_data()
    {
        var spec = new ModelSpec(new TensorShape(784), [new Dense("dense", 10, Activation.Softmax)]);

        var follows = spec.ForData(16, 16, 3, 5);

        Assert.Equal(new TensorShape(768), follows.InputShape);
        Assert.Equal(new TensorShape(5), follows.OutputShape);
    }

    [Fact]
    public void Book_model_has_333526_parameters()
    {
        Assert.Equal(333_526, ModelSpec.Book.ParameterCount);
    }

    [Fact]
    public void Output_shapes_and_parameter_counts_match_keras_summary()
    {
        var rows = ModelSummary.Of(ModelSpec.Book).Layers
            .Select(row => (row.Name, row.Type, Shape: string.Join(",", row.OutputShape.Skip(1)), row.Params)).ToArray();

        Assert.Equal(
        [
            ("conv2d", "Conv2D", "28,28,32", 320L),
            ("max_pooling2d", "MaxPooling2D", "14,14,32", 0L),
            ("conv2d_1", "Conv2D", "14,14,64", 18_496L),
            ("max_pooling2d_1", "MaxPooling2D", "7,7,64", 0L),
            ("flatten", "Flatten", "3136", 0L),
            ("dense", "Dense", "100", 313_700L),
            ("dropout", "Dropout", "100", 0L),
            ("dense_1", "Dense", "10", 1_010L),
        ], rows);
    }

    [Fact]
    public void Summary_text_has_keras_rows_and_totals()
    {
        string text = ModelSummary.Of(ModelSpec.Book).ToText();

        Assert.Matches(@"conv2d \(Conv2D\)\s+\(None, 28, 28, 32\)\s+320\n", text.ReplaceLineEndings("\n"));
        Assert.Matches(@"conv2d_1 \(Conv2D\)\s+\(None, 14, 14, 64\)\s+18,496\n", text.ReplaceLineEndings("\n"));
        Assert.Matches(@"dense \(Dense\)\s+\(None, 100\)\s+313,700\n", text.ReplaceLineEndings("\n"));
        Assert.Contains("Total params: 333,526", text);
        Assert.Contains("Non-trainable params: 0", text);
    }

    [Fact]
    public void Summary_columns_stay_aligned_when_a_name_and_type_are_longer_than_keras_column()
    {
        var spec = new ModelSpec(new TensorShape(28, 28, 1),
            [new RandomTranslation("random_translation", new(-0.1, 0.1), new(-0.1, 0.1)), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

        string[] lines = ModelSummary.Of(spec).ToText().ReplaceLineEndings("\n").Split('\n');

        // "random_translation (RandomTranslation)" is 38 characters: the shapes start two spaces after it, on every row.
        int shapeColumn = lines.Single(l => l.StartsWith(" random_translation")).IndexOf("(None");
        Assert.Equal(1 + 38 + 2, shapeColumn);
        Assert.Equal(shapeColumn, lines.Single(l => l.StartsWith(" dense")).IndexOf("(None"));
        Assert.Equal(shapeColumn, lines.Single(l => l.StartsWith(" Layer (type)")).IndexOf("Output Shape"));
        Assert.Equal(lines[1].Length, lines[3].Length);
        Assert.True(lines[1].Length >= lines.Max(l => l.Length), "the rules are as wide as the widest row");
    }

    [Theory]
    [InlineData(0, 0.1421)]
    [InlineData(2, 0.0833)]
    [InlineData(5, 0.0431)]
    [InlineData(7, 0.2335)]
    public void Glorot_limits_match_keras(int layer, double limit)
    {
        var (spec, input, _) = ModelSpec.Book.Shapes()[layer];
        Assert.Equal(limit, GlorotUniform.Limit(spec, input)!.Value, precision: 4);
    }

    [Fact]
    public void Layers_without_kernels_have_no_glorot_limit()
    {
        var (spec, input, _) = ModelSpec.Book.Shapes()[1];
        Assert.Null(GlorotUniform.Limit(spec, input));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("conv2d_1", 2)]
    [InlineData("7", 7)]
    [InlineData("dense_1", 7)]
    public void Layer_is_found_by_keras_index_or_name(string key, int index)
    {
        Assert.Equal(index, ModelSpec.Book.IndexOf(key));
    }

    [Theory]
    [InlineData("Conv2D_1", 2)]
    [InlineData("DENSE", 5)]
    public void Layer_names_are_found_in_any_case(string key, int index)
    {
        Assert.Equal(index, ModelSpec.Book.IndexOf(key));
    }

    [Fact]
    public void A_layer_name_spelled_exactly_wins_over_one_differing_in_case()
    {
        var spec = new ModelSpec(new TensorShape(4), [new Dense("Dense", 4, Activation.Relu), new Dense("dense", 2, Activation.Softmax)]);

        Assert.Equal(0, spec.IndexOf("Dense"));
        Assert.Equal(1, spec.IndexOf("dense"));
        Assert.Throws<FashionCnnException>(() => spec.IndexOf("DENSE"));
    }

    [Theory]
    [InlineData("8")]
    [InlineData("-1")]
    [InlineData("conv3d")]
    public void Unknown_layer_lists_the_valid_ones(string key)
    {
        var error = Assert.Throws<FashionCnnException>(() => ModelSpec.Book.IndexOf(key));
        Assert.Contains("0 conv2d (Conv2D)", error.Message);
        Assert.Contains("7 dense_1 (Dense)", error.Message);
    }

    [Fact]
    public void Valid_padding_shrinks_the_image()
    {
        var conv = new Conv2D("c", 8, 3, Activation.Relu, SamePadding: false);
        Assert.Equal(new TensorShape(26, 26, 8), conv.OutputShape(new TensorShape(28, 28, 1)));
    }

    [Fact]
    public void Dense_on_an_image_says_to_flatten_first()
    {
        var spec = new ModelSpec(new TensorShape(28, 28, 1), [new Dense("d", 10, Activation.Softmax)]);
        var error = Assert.Throws<FashionCnnException>(() => spec.Shapes());
        Assert.Contains("Flatten", error.Message);
    }
}
