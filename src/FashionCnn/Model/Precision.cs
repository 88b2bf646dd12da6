namespace FashionCnn.Model;

/// <summary>
/// Keras' dtype policies this tool trains and evaluates with: <c>float32</c>, or <c>mixed_bfloat16</c>
/// (<c>keras.mixed_precision.set_global_policy('mixed_bfloat16')</c>): variables and the optimizer's state stay
/// float32, convolutions and Dense layers compute in bfloat16, and the loss, softmax and BatchNormalization's
/// statistics in float32.
/// </summary>
public enum Precision { Float32, MixedBFloat16 }

public static class Precisions
{
    public static readonly Spelling<Precision> Spelling = new("--precision", ("float32", Precision.Float32), ("mixed_bfloat16", Precision.MixedBFloat16));

    public static IReadOnlyList<string> Names => Spelling.Names;

    public static string Name(this Precision precision) => Spelling.Name(precision);

    public static Precision Parse(string name) => Spelling.Parse(name);
}
