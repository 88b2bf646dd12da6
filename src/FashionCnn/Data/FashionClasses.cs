namespace FashionCnn.Data;

/// <summary>The ten Fashion-MNIST classes, indexed by label.</summary>
public static class FashionClasses
{
    public static readonly IReadOnlyList<string> Names =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    public static int Count => Names.Count;
}
