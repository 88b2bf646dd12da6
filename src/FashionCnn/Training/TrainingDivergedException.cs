namespace FashionCnn.Training;

/// <summary>A run stopped because its loss became NaN or infinite; its history and best checkpoint so far are on disk.</summary>
public sealed class TrainingDivergedException(string message) : RuntimeFailureException(message);
