using System.Globalization;
using FashionCnn.Training;

namespace FashionCnn.Tests.Training;

public class HistoryTests
{
    [Fact]
    public void Csv_has_keras_column_names_and_round_trip_precision()
    {
        var history = new History();
        history.Add(new EpochRecord(1, 0.123456789012, 0.8, 0.2, 0.9, 12.3456));

        string[] lines = history.ToCsv().TrimEnd().Split('\n');

        Assert.Equal("epoch,loss,accuracy,val_loss,val_accuracy,seconds", lines[0]);
        string[] cells = lines[1].Split(',');
        Assert.Equal(0.123456789012, double.Parse(cells[1], CultureInfo.InvariantCulture));
        Assert.Equal("12.346", cells[5]);
    }

    [Fact]
    public void Json_round_trips_with_keras_keys()
    {
        var history = new History();
        history.Add(new EpochRecord(1, 0.5, 0.8, 0.4, 0.85, 3));
        history.Add(new EpochRecord(2, 0.3, 0.9, 0.35, 0.88, 3));

        string json = history.ToJson();
        var back = History.FromJson(json);

        Assert.Contains("\"val_accuracy\"", json);
        Assert.Equal(history.Epochs, back.Epochs);
    }
}
