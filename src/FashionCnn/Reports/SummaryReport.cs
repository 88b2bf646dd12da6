using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Plotting;

namespace FashionCnn.Reports;

/// <summary>What <c>fashioncnn summary</c> is asked: a model file, or an architecture (the book's CNN by default), and an optional diagram.</summary>
public sealed record SummaryOptions
{
    /// <summary>A model file to summarise; null summarises <see cref="Architecture"/>.</summary>
    public string? Model { get; init; }

    /// <summary>A bundled name, a Keras JSON config or a model file; with <see cref="Model"/>, the architecture of a weights-only file.</summary>
    public string? Architecture { get; init; }

    /// <summary>A PNG to draw the layers to, as Keras' <c>plot_model(show_shapes=True)</c>.</summary>
    public string? Diagram { get; init; }
}

/// <summary>The summary and the diagram file written, if one was asked for.</summary>
public sealed record SummaryResult(ModelSummary Summary, string? Diagram);

/// <summary>A bundled architecture with its parameter count, as <c>summary --list</c> shows it.</summary>
public sealed record BundledRow(string Name, string Description, long Parameters);

/// <summary><c>fashioncnn summary</c>: Keras' <c>model.summary()</c> of any model or architecture, and <c>plot_model</c>.</summary>
public static class SummaryReport
{
    public static SummaryResult Create(SummaryOptions options)
    {
        string? diagram = options.Diagram is { } d
            ? new CommandFiles().Input("--model", options.Model).Input("--architecture", options.Architecture).OutputFile("--diagram", d)
            : null;
        // Without a model file the summary comes from the layer descriptions alone, without loading libtorch.
        var (spec, classNames) = options.Model is { } path ? Spec(path, options.Architecture)
            : (ArchitectureSource.TryReadConfig(options.Architecture ?? ArchitectureSource.Default)
               ?? ModelFile.Architecture(options.Architecture!, "--architecture"), null);
        if (diagram is not null)
        {
            string title = options.Model is not null ? Path.GetFileName(options.Model)
                : options.Architecture is null ? "The book's CNN (chapter 8-2)" : Path.GetFileName(options.Architecture);
            ModelDiagram.Save(spec, diagram, title);
        }
        var summary = ModelSummary.Of(spec) with
        {
            ClassNames = classNames, ColorMode = Inference.ModelFit.TryImageShapeOf(spec.InputShape)?.ColorMode.Name(),
        };
        return new SummaryResult(summary, diagram);
    }

    /// <summary>The bundled architectures (what <c>train --architecture</c> takes) with their parameter counts.</summary>
    public static IReadOnlyList<BundledRow> Bundled() =>
        ArchitectureSource.Bundled.Select(b => new BundledRow(b.Name, b.Description,
            KerasModelConfig.Parse(ArchitectureSource.BundledJson(b.Name)!, b.Name).ParameterCount)).ToList();

    /// <summary>A model file's layers and the names of its classes.</summary>
    private static (ModelSpec Spec, IReadOnlyList<string> ClassNames) Spec(string path, string? architecture)
    {
        var loaded = ModelFile.Load(path, "--model", architecture);
        using var net = loaded.Net;
        return (net.Spec, loaded.ClassNames);
    }
}
