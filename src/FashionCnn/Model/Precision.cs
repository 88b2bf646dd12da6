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
    public static readonly IReadOnlyList<string> Names = ["float32", "mixed_bfloat16"];

    public static string Name(this Precision precision) => precision == Precision.Float32 ? "float32" : "mixed_bfloat16";

    public static Precision Parse(string name) => name.ToLowerInvariant() switch
    {
        "float32" => Precision.Float32,
        "mixed_bfloat16" => Precision.MixedBFloat16,
        _ => throw new FashionCnnException($"--precision must be float32 or mixed_bfloat16 (got {name})."),
    };
}
