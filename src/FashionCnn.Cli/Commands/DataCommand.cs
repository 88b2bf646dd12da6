using System.CommandLine;
using FashionCnn.Data;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn data</c>: where the data is, how much of it, and whether it is the published release.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var command = new Command("data", "Find and check the Fashion-MNIST files: location, image counts, the book's split, SHA-256 checksums.")
        {
            dataDir,
        };
        command.SetAction(parsed =>
        {
            var location = DataDirectory.Locate(parsed.GetValue(dataDir));
            var data = FashionMnist.Load(location.Directory, requirePublishedContent: false);
            var split = ValidationSplit.Create(data.Train.Count);

            Console.WriteLine($"Data:       {location.Directory} (found by {location.Source})");
            Console.WriteLine($"Train:      {data.Train.Count:N0} images, split as the book does into "
                              + $"{split.TrainIndices.Length:N0} training + {split.ValidationIndices.Length:N0} validation (seed {ValidationSplit.BookSeed})");
            Console.WriteLine($"Test:       {data.Test.Count:N0} images");
            foreach (var file in data.Files)
                Console.WriteLine($"  {(file.ChecksumMatches ? "ok      " : "MISMATCH")}  {file.FileName,-30} sha256 {file.Sha256}");
            bool allMatch = data.Files.All(f => f.ChecksumMatches);
            Console.WriteLine(allMatch
                ? "All four files match the published Fashion-MNIST release."
                : "Some files differ from the published Fashion-MNIST release: training and evaluation will refuse them.");
            return allMatch ? ExitCodes.Success : ExitCodes.BadInput;
        });
        return command;
    }
}
