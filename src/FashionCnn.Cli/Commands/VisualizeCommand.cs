using System.CommandLine;
using FashionCnn.Data;
using FashionCnn.Reports;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn visualize</c>: the book's chapter 8-3 — weights, their histograms and feature maps of a layer.</summary>
internal static class VisualizeCommand
{
    public static Command Create()
    {
        var defaults = new VisualizeOptions();
        var layer = new Option<string>("--layer")
        {
            Description = "Layer index as in Keras' model.layers (0 conv2d, 1 max_pooling2d, 2 conv2d_1, …) or its name.",
            DefaultValueFactory = _ => defaults.Layer,
            HelpName = "N|NAME",
        };
        var model = CommonOptions.Model();
        var architecture = CommonOptions.ArchitectureForWeights();
        var sample = new Option<int>("--sample") { Description = "Index of the image whose feature maps are drawn.", DefaultValueFactory = _ => defaults.Sample };
        var split = CommonOptions.Split(defaults.Split, "Where --sample points (train-input 0 is the ankle boot of the book's figures)");
        var outDir = new Option<string>("--out") { Description = "Folder for the PNGs (created when missing).", DefaultValueFactory = _ => defaults.OutDir, HelpName = "DIR" };
        var vmin = new Option<double>("--vmin") { Description = "Lower end of the kernels' colour scale.", DefaultValueFactory = _ => defaults.VMin };
        var vmax = new Option<double>("--vmax") { Description = "Upper end of the kernels' colour scale.", DefaultValueFactory = _ => defaults.VMax };
        var seed = new Option<int>("--seed") { Description = "Seed of the untrained (freshly initialised) comparison.", DefaultValueFactory = _ => defaults.Seed };
        var augmentations = new Option<bool>("--augmentations")
        {
            Description = "Instead of a layer, draw --sample and 15 versions of it as the model's augmentation layers (RandomFlip, RandomTranslation, …) change it in training, each a draw seeded by --seed.",
        };
        var data = new DataOptionSet();
        var command = new Command("visualize", "Draw a layer: kernels trained vs untrained and their histograms (Conv2D), the weight matrix (Dense), the feature maps of one image; or what the augmentation layers do (--augmentations).")
        {
            layer, model, architecture, sample, split, outDir, vmin, vmax, seed, augmentations,
        };
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            var options = new VisualizeOptions
            {
                Layer = parsed.GetValue(layer)!,
                Model = new Interop.ModelSource(parsed.GetValue(model)!, parsed.GetValue(architecture)),
                Sample = parsed.GetValue(sample),
                Split = DataSplitNames.Parse(parsed.GetValue(split)!),
                OutDir = parsed.GetValue(outDir)!,
                VMin = parsed.GetValue(vmin),
                VMax = parsed.GetValue(vmax),
                Seed = parsed.GetValue(seed),
                Data = data.Read(parsed),
            };
            if (parsed.GetValue(augmentations))
            {
                var preview = AugmentationPreview.Create(options);
                Console.WriteLine($"Augmentation of {preview.Sample}: {string.Join(" → ", preview.Layers.Select(l => $"{DisplayText.Escape(l.Name)} ({l.KerasClass})"))}, 15 draws, seed {options.Seed}");
                Console.WriteLine($"  {"augmentations",-30} {CommonOptions.DisplayPath(preview.Path)}");
                return ExitCodes.Success;
            }
            var result = LayerVisualization.Create(options);
            Console.WriteLine($"Layer {result.LayerIndex}: {DisplayText.Escape(result.Layer.Name)} ({result.Layer.KerasClass}) of {result.Model}");
            if (result.Trained is { } trained)
            {
                Console.WriteLine($"  weights {Shape(trained.WeightShape)}, bias {Shape(trained.BiasShape)}");
                Console.WriteLine($"  trained:   mean {trained.Mean:F4}  std {trained.Std:F4}");
            }
            if (result.Untrained is { } untrained)
                Console.WriteLine($"  untrained: mean {untrained.Mean:F4}  std {untrained.Std:F4}  (glorot uniform, seed {parsed.GetValue(seed)})");
            foreach (var (what, path) in result.Files) Console.WriteLine($"  {what,-30} {CommonOptions.DisplayPath(path)}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A shape as numpy prints it: (3, 3, 1, 32) and (32,).</summary>
    private static string Shape(int[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
}
