using System.CommandLine;
using System.Globalization;
using FashionCnn.Data;

namespace FashionCnn.Cli.Commands;

/// <summary>The options of every verb that reads a data set, declared once: --data, --data-dir and how its images are made.</summary>
internal sealed class DataOptionSet
{
    private readonly Option<string?> _data = new("--data")
    {
        Description = "The data set: a folder of the four IDX files (any size, any number of classes; classes.txt names them), "
                      + "a Kaggle-style CSV file (label,pixel1,…) or a folder with *train*.csv and *test*.csv, or a folder of class folders "
                      + "(PATH/<class>/*.png, or PATH/train/<class>/ and PATH/test/<class>/). Default: Fashion-MNIST (see --data-dir).",
        HelpName = "PATH",
    };

    private readonly Option<string?> _dataDir = CommonOptions.DataDir();

    private readonly Option<int[]?> _imageSize = new("--image-size")
    {
        Description = "Resize every image to H×W (bilinear, as Keras). Default: the data's own size when all its images agree.",
        HelpName = "H W",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string?> _colorMode = new("--color-mode")
    {
        Description = "grayscale or rgb. Default: grayscale when every image is grey, else rgb (for CSV: grayscale; rgb reads H·W·3 values a row).",
        HelpName = "grayscale|rgb",
    };

    private readonly Option<string?> _classNames = new("--class-names")
    {
        Description = "Class names in label order, comma-separated: another order for class folders (default: ordinal order of the folder names), "
                      + "or names for the numbered labels of a CSV or IDX set.",
        HelpName = "A,B,…",
    };

    private readonly Option<double> _validationSplit = new Option<double>("--validation-split")
    {
        Description = "The fraction of the train part that is val (train_test_split(test_size=…, random_state=42), as the book).",
        DefaultValueFactory = _ => ValidationSplit.BookFraction,
    };

    private readonly Option<bool> _strict = new("--strict") { Description = "Refuse an image that does not decode instead of skipping and counting it." };

    private readonly Option<string?> _maxMemory = new("--max-memory")
    {
        Description = "The largest decoded data set accepted, as bytes or with K, M, G (default: half this machine's memory).",
        HelpName = "SIZE",
    };

    /// <summary>Every option, in the order help lists them.</summary>
    public IEnumerable<Option> All => [_data, _dataDir, _imageSize, _colorMode, _classNames, _validationSplit, _strict, _maxMemory];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public DataOptions Read(ParseResult parsed) => new()
    {
        Path = parsed.GetValue(_data),
        DataDir = parsed.GetValue(_dataDir),
        ImageSize = ImageSizeOf(parsed.GetValue(_imageSize)),
        ColorMode = parsed.GetValue(_colorMode) is { } mode ? ColorModes.Parse(mode) : null,
        ClassNames = ClassNamesOf(parsed.GetValue(_classNames)),
        ValidationSplit = parsed.GetValue(_validationSplit),
        Strict = parsed.GetValue(_strict),
        MaxMemory = parsed.GetValue(_maxMemory) is { } size ? Bytes(size) : null,
        Progress = Console.IsErrorRedirected ? null : new DecodeProgressLine(),
    };

    private static ImageSize? ImageSizeOf(int[]? values)
    {
        if (values is null || values.Length == 0) return null;
        if (values.Any(v => v is < 1 or > ImageSize.MaxSide))
            throw new FashionCnnException($"--image-size {values[0]} {values[1]}: each side must be between 1 and {ImageSize.MaxSide}.");
        return new ImageSize(values[0], values[1]);
    }

    private static IReadOnlyList<string>? ClassNamesOf(string? text)
    {
        if (text is null) return null;
        var names = text.Split(',').Select(n => n.Trim()).ToList();
        if (names.Any(n => n == "") || names.Distinct().Count() != names.Count || names.Count < 2)
            throw new FashionCnnException($"--class-names {text}: give two or more different, non-empty names separated by commas.");
        if (names.Count > 256)
            throw new FashionCnnException($"--class-names: {names.Count} names; this tool holds labels as bytes, at most 256 classes.");
        return names;
    }

    private static long Bytes(string text)
    {
        string number = text.TrimEnd('B', 'b');
        long unit = number.Length > 0 ? char.ToUpperInvariant(number[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 } : 1;
        if (unit > 1) number = number[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
            throw new FashionCnnException($"--max-memory {text}: not a size (bytes, or a number with K, M or G).");
        return (long)Math.Min(value * unit, long.MaxValue / 2);
    }

    /// <summary>A line on the terminal's error stream while the images decode, cleared when they are done.</summary>
    private sealed class DecodeProgressLine : IProgress<DecodeProgress>
    {
        private readonly Lock _gate = new();

        public void Report(DecodeProgress p)
        {
            lock (_gate)
                Console.Error.Write(p.Done < p.Total
                    ? $"\rDecoding images: {p.Done:N0} / {p.Total:N0} ({p.Done / Math.Max(p.Elapsed.TotalSeconds, 1e-3):N0}/s)\u001b[K"
                    : "\r\u001b[K");
        }
    }
}
