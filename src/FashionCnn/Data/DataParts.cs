namespace FashionCnn.Data;

/// <summary>Files a folder of images holds that are not part of the data set, for the summary line.</summary>
public sealed record SkippedFiles(int Hidden, int Other, int OutsideLinks, int Undecodable, string? FirstUndecodable)
{
    public static SkippedFiles None { get; } = new(0, 0, 0, 0, null);

    public int Total => Hidden + Other + OutsideLinks + Undecodable;

    public override string ToString() => Total == 0 ? "none" : string.Join(", ", new[]
    {
        Hidden > 0 ? $"{Hidden:N0} hidden" : null,
        Other > 0 ? $"{Other:N0} not .png .jpg .jpeg .bmp .gif" : null,
        OutsideLinks > 0 ? $"{OutsideLinks:N0} links leading outside the folder" : null,
        Undecodable > 0 ? $"{Undecodable:N0} that do not decode (first: {FirstUndecodable})" : null,
    }.Where(s => s is not null));
}

/// <summary>
/// A data set as read: its kind, its train part and (optionally) test part, its classes in label order, a
/// fingerprint of the training images for checkpoints, and what was skipped.
/// </summary>
public sealed record DataParts(string Kind, string Location, LabeledImages Train, LabeledImages? Test, IReadOnlyList<string> ClassNames,
    string Fingerprint, SkippedFiles Skipped)
{
    public ImageShape Shape => Train.Shape;

    /// <summary>Whether the images came from the cache of decoded folders rather than from the files themselves.</summary>
    public bool FromCache { get; init; }
}
