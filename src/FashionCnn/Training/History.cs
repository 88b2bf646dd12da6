using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FashionCnn.Files;

namespace FashionCnn.Training;

/// <summary>
/// One epoch's numbers as Keras' History records them: training loss and accuracy are the running means
/// over the epoch's batches (dropout on); the val_ metrics are computed after the epoch (dropout off).
/// <paramref name="LearningRate"/> is the optimizer's learning rate at the epoch's end, as Keras' ReduceLROnPlateau logs it
/// (before a reduction that epoch causes; under a schedule, the rate of the next step); null for a run at a constant rate.
/// </summary>
public sealed record EpochRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("val_loss")] double ValLoss,
    [property: JsonPropertyName("val_accuracy")] double ValAccuracy,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("learning_rate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LearningRate = null);

/// <summary>Keras' <c>History</c>: the per-epoch records of a run, written as history.json and history.csv.</summary>
public sealed class History : ITrainingCallback
{
    private readonly List<EpochRecord> _epochs = [];

    public string Name => "history";

    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    public void Add(EpochRecord record) => _epochs.Add(record);

    public void OnEpochEnd(EpochEnd end) => Add(end.Record);

    public JsonElement SaveState() => CallbackState.Save(_epochs);

    /// <summary>The epochs the resumed run completed, one record each.</summary>
    public void RestoreState(JsonElement state, int completedEpochs)
    {
        var saved = CallbackState.Read<List<EpochRecord>>(state, Name);
        if (saved.Count != completedEpochs || saved.Any(e => e is null))
            throw ResumeFile.Damaged($"the history holds {saved.Count} record(s) for {completedEpochs} epoch(s)");
        _epochs.Clear();
        _epochs.AddRange(saved);
    }

    /// <summary>Whether the run recorded its learning rate (a schedule or ReduceLROnPlateau changed it).</summary>
    public bool HasLearningRates => _epochs.Any(e => e.LearningRate is not null);

    public string ToJson() => JsonFormat.Serialize(_epochs);

    public static History FromJson(string json)
    {
        var history = new History();
        foreach (var record in JsonFormat.Deserialize<List<EpochRecord>>(json) ?? []) history.Add(record);
        return history;
    }

    public string ToCsv()
    {
        bool rates = HasLearningRates;
        var csv = new StringBuilder("epoch,loss,accuracy,val_loss,val_accuracy,seconds" + (rates ? ",learning_rate\n" : "\n"));
        foreach (var e in _epochs)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Epoch},{e.Loss:R},{e.Accuracy:R},{e.ValLoss:R},{e.ValAccuracy:R},{e.Seconds:F3}");
            if (rates) csv.Append(CultureInfo.InvariantCulture, $",{e.LearningRate:R}");
            csv.Append('\n');
        }
        return csv.ToString();
    }

    public void Write(string jsonPath, string csvPath)
    {
        AtomicFile.WriteAllText(jsonPath, ToJson());
        AtomicFile.WriteAllText(csvPath, ToCsv());
    }
}
