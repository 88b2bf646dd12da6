using System.Globalization;
using FashionCnn.Training;

namespace FashionCnn.Page;

/// <summary>Section 3, training: the per-epoch table with the checkpoint's epoch highlighted, and the loss and accuracy curves.</summary>
public static class TrainingSection
{
    public static void Write(HtmlPage page, ReportSources sources, string scratch)
    {
        page.Section("training", "3. Training");
        if (sources.History is not { Epochs.Count: > 0 } history)
        {
            page.Absent(sources.Run is not null
                ? "No epoch of this run finished, so there is no history to show."
                : "There is no training history (history.json) for this model: it was not trained by fashioncnn train in this folder (a Keras or PyTorch file keeps none).");
            return;
        }
        var best = history.Epochs.MinBy(e => e.ValLoss)!;
        page.Paragraph($"Keras' History, one row per epoch: training loss and accuracy are the means over the epoch's batches (dropout on), "
                       + $"the val_ numbers are measured after the epoch. Epoch {best.Epoch}, highlighted, has the lowest val_loss: the best checkpoint holds it.");
        // A schedule or ReduceLROnPlateau records the optimizer's rate at each epoch's end (Keras' learning_rate); a constant rate is not repeated per row.
        bool rates = history.HasLearningRates;
        string[] columns = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds", .. rates ? ["learning_rate"] : Array.Empty<string>()];
        page.Table("Per-epoch history", columns,
            history.Epochs.Select(e => new TableRow(
                [Num(e.Epoch, "D"), Num(e.Loss, "F4"), Num(e.Accuracy, "F4"), Num(e.ValLoss, "F4"), Num(e.ValAccuracy, "F4"), Num(e.Seconds, "F1"),
                 .. rates ? [e.LearningRate is double r ? Num(r, "G6") : ""] : Array.Empty<string>()],
                e.Epoch == best.Epoch)));

        string loss = Path.Combine(scratch, "loss.png"), accuracy = Path.Combine(scratch, "accuracy.png");
        // The same titles as the run's own loss.png and accuracy.png, from its record.
        string? run = sources.Run?["options"] is System.Text.Json.Nodes.JsonObject options && (string?)options["architecture"] is { } architecture
                      && (int?)options["seed"] is int seed
            ? TrainingCurves.RunLabel(architecture, seed, (string?)options["model_dir"] ?? sources.Folder)
            : null;
        TrainingCurves.SaveLoss(history, loss, run);
        TrainingCurves.SaveAccuracy(history, accuracy, run);
        string span = history.Epochs.Count == 1 ? "epoch 1" : $"epochs 1 to {history.Epochs[^1].Epoch}";
        string rateCurve = rates ? "; a dotted line on the right axis is the learning rate at each epoch's end" : "";
        page.Picture(loss, $"Line chart of training and validation loss over {span}; a dashed line marks epoch {best.Epoch}, "
                           + $"where val_loss is lowest ({Num(best.ValLoss, "F4")}; training loss {Num(best.Loss, "F4")}){rateCurve}.",
            rates ? "Loss per epoch, and the learning rate." : "Loss per epoch.");
        page.Picture(accuracy, $"Line chart of training and validation accuracy over {span}; at epoch {best.Epoch}, the best, "
                               + $"val_accuracy is {Num(best.ValAccuracy, "F4")} and training accuracy {Num(best.Accuracy, "F4")}.", "Accuracy per epoch.");
    }

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Num(int value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
