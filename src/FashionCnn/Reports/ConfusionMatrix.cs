namespace FashionCnn.Reports;

/// <summary>Precision, recall and F1 of one class, and how many images truly belong to it.</summary>
public sealed record ClassMetrics(int Class, string Name, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Counts of (true class, predicted class) pairs: rows are the true class, columns the prediction, as
/// scikit-learn's <c>confusion_matrix</c>.
/// </summary>
public sealed class ConfusionMatrix
{
    public int[,] Counts { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public ConfusionMatrix(IReadOnlyList<int> labels, IReadOnlyList<int> predicted, IReadOnlyList<string> classNames)
    {
        ClassNames = classNames;
        Counts = new int[classNames.Count, classNames.Count];
        for (int i = 0; i < labels.Count; i++) Counts[labels[i], predicted[i]]++;
    }

    public int Total => Counts.Cast<int>().Sum();

    public int Correct => Enumerable.Range(0, ClassNames.Count).Sum(c => Counts[c, c]);

    /// <summary>Per-class metrics; a class never predicted has precision 0 (scikit-learn's zero_division=0).</summary>
    public IReadOnlyList<ClassMetrics> PerClass() => Enumerable.Range(0, ClassNames.Count).Select(c =>
    {
        int truePositive = Counts[c, c];
        int predictedAs = Enumerable.Range(0, ClassNames.Count).Sum(r => Counts[r, c]);
        int support = Enumerable.Range(0, ClassNames.Count).Sum(p => Counts[c, p]);
        double precision = predictedAs == 0 ? 0 : (double)truePositive / predictedAs;
        double recall = support == 0 ? 0 : (double)truePositive / support;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(c, ClassNames[c], precision, recall, f1, support);
    }).ToList();

    public int[][] ToJaggedArray() =>
        Enumerable.Range(0, ClassNames.Count).Select(r => Enumerable.Range(0, ClassNames.Count).Select(c => Counts[r, c]).ToArray()).ToArray();
}
