using System.CommandLine;
using System.Globalization;
using FashionCnn.Optimizers;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary>
/// train's learning-rate options, declared once: a Keras schedule (--lr-schedule and its arguments, named as Keras names them)
/// or ReduceLROnPlateau (--reduce-lr-on-plateau and its --plateau-* arguments). An argument the chosen one does not take is an error.
/// </summary>
internal sealed class LearningRateOptionSet
{
    private static readonly PlateauSettings PlateauDefaults = new();

    private readonly Option<string?> _schedule = new("--lr-schedule")
    {
        Description = "A Keras learning-rate schedule, applied per optimizer step: exponential (ExponentialDecay: --decay-steps, --decay-rate, --staircase; "
                      + "starts at --learning-rate), piecewise (PiecewiseConstantDecay: --boundaries, --values), cosine (CosineDecay: --decay-steps, --alpha, "
                      + "--warmup-target, --warmup-steps; starts at --learning-rate), or a JSON file holding a schedule as Keras serialises it "
                      + "({\"class_name\": \"ExponentialDecay\", \"config\": {…}}). Default: a constant rate.",
        HelpName = "NAME|FILE",
        CustomParser = result => CommonOptions.NameInAnyCase(result.Tokens[0].Value, LearningRateSchedule.Names),
    };

    private readonly Option<int?> _decaySteps = new("--decay-steps") { Description = "exponential, cosine: Keras' decay_steps, in optimizer steps.", HelpName = "N" };

    private readonly Option<double?> _decayRate = new("--decay-rate") { Description = "exponential: Keras' decay_rate, the factor per decay_steps steps.", HelpName = "R" };

    private readonly Option<bool> _staircase = new("--staircase") { Description = "exponential: lower the rate in steps, once every decay_steps (Keras' staircase)." };

    private readonly Option<string?> _boundaries = new("--boundaries") { Description = "piecewise: the optimizer steps where the rate changes.", HelpName = "S1,S2,…" };

    private readonly Option<string?> _values = new("--values") { Description = "piecewise: the rates before, between and after the boundaries (one more than them).", HelpName = "R0,R1,…" };

    private readonly Option<double?> _alpha = new("--alpha") { Description = "cosine: the fraction of the rate the decay ends at (Keras' default 0).", HelpName = "A" };

    private readonly Option<double?> _warmupTarget = new("--warmup-target") { Description = "cosine: warm up linearly from --learning-rate to this rate first.", HelpName = "RATE" };

    private readonly Option<int?> _warmupSteps = new("--warmup-steps") { Description = "cosine: steps of the warm-up (Keras' default 0).", HelpName = "N" };

    private readonly Option<bool> _plateau = new("--reduce-lr-on-plateau")
    {
        Description = "Keras' ReduceLROnPlateau: multiply the learning rate by --plateau-factor after --plateau-patience epochs without improvement "
                      + "(not with --lr-schedule, as in Keras).",
    };

    private readonly Option<string> _monitor = CommonOptions.Choice("--plateau-monitor", "The metric ReduceLROnPlateau watches.",
        PlateauDefaults.Monitor, [.. PlateauSettings.Monitors]);

    private readonly Option<double> _factor = new("--plateau-factor") { HelpName = "F", Description = "The factor the rate is multiplied by, above 0 and below 1.", DefaultValueFactory = _ => PlateauDefaults.Factor };

    private readonly Option<int> _patience = new("--plateau-patience") { HelpName = "N", Description = "Epochs without improvement before the rate is reduced.", DefaultValueFactory = _ => PlateauDefaults.Patience };

    private readonly Option<string> _mode = CommonOptions.Choice("--plateau-mode", "min, max, or auto (a loss falls, an accuracy rises).", PlateauDefaults.Mode, "auto", "min", "max");

    private readonly Option<double> _minDelta = new("--plateau-min-delta") { HelpName = "DELTA", Description = "The least change that counts as an improvement.", DefaultValueFactory = _ => PlateauDefaults.MinDelta };

    private readonly Option<int> _cooldown = new("--plateau-cooldown") { HelpName = "N", Description = "Epochs after a reduction before waiting starts again.", DefaultValueFactory = _ => PlateauDefaults.Cooldown };

    private readonly Option<double> _minLr = new("--plateau-min-lr") { HelpName = "RATE", Description = "The rate is never reduced below this.", DefaultValueFactory = _ => PlateauDefaults.MinLr };

    /// <summary>Every option, in the order help lists them.</summary>
    public IEnumerable<Option> All =>
    [
        _schedule, _decaySteps, _decayRate, _staircase, _boundaries, _values, _alpha, _warmupTarget, _warmupSteps,
        _plateau, _monitor, _factor, _patience, _mode, _minDelta, _cooldown, _minLr,
    ];

    /// <summary>The schedule arguments each --lr-schedule name takes (a file takes none: it holds its own).</summary>
    private Dictionary<string, Option[]> ScheduleArguments => new()
    {
        ["exponential"] = [_decaySteps, _decayRate, _staircase],
        ["piecewise"] = [_boundaries, _values],
        ["cosine"] = [_decaySteps, _alpha, _warmupTarget, _warmupSteps],
    };

    private IEnumerable<Option> PlateauArguments => [_monitor, _factor, _patience, _mode, _minDelta, _cooldown, _minLr];

    /// <summary>
    /// The optimizer's settings with the schedule, if one is asked for. --learning-rate is the initial rate of exponential and cosine;
    /// piecewise and a file give their own rates, so --learning-rate with them is an error.
    /// </summary>
    public OptimizerSettings WithSchedule(ParseResult parsed, OptimizerSettings optimizer)
    {
        string? name = parsed.GetValue(_schedule);
        var given = ScheduleArguments.Values.SelectMany(o => o).Distinct().Where(o => Given(parsed, o)).ToList();
        if (name is null)
        {
            if (given.Count > 0) throw new FashionCnnException($"{given[0].Name} is an argument of --lr-schedule, which was not given.");
            return optimizer;
        }
        var takes = ScheduleArguments.GetValueOrDefault(name) ?? [];
        if (given.FirstOrDefault(o => !takes.Contains(o)) is { } extra)
            throw new FashionCnnException(ScheduleArguments.ContainsKey(name)
                ? $"{extra.Name} is not an argument of --lr-schedule {name}."
                : $"{extra.Name} is not an argument of a schedule file, which holds its own.");
        double initial = optimizer.EffectiveLearningRate;
        if (optimizer.LearningRate is not null && (name == "piecewise" || !ScheduleArguments.ContainsKey(name)))
            throw new FashionCnnException($"--learning-rate with --lr-schedule {name}: its rates come from {(name == "piecewise" ? "--values" : "the file")}.");
        string source = $"--lr-schedule {name}";
        LearningRateSchedule schedule = name switch
        {
            "exponential" => new ExponentialDecay(initial, Required(parsed, _decaySteps, name), Required(parsed, _decayRate, name), parsed.GetValue(_staircase)),
            "piecewise" => new PiecewiseConstantDecay(
                Numbers(Required(parsed, _boundaries, name), _boundaries.Name).Select(WholeSteps).ToArray(), Numbers(Required(parsed, _values, name), _values.Name)),
            "cosine" => new CosineDecay(initial, Required(parsed, _decaySteps, name), parsed.GetValue(_alpha) ?? 0, parsed.GetValue(_warmupTarget), parsed.GetValue(_warmupSteps) ?? 0),
            _ when name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(name) => LearningRateSchedule.FromFile(name, _schedule.Name),
            _ => throw new FashionCnnException($"--lr-schedule must be {string.Join(", ", LearningRateSchedule.Names)} or a Keras schedule JSON file (got {name})."),
        };
        return optimizer with { LearningRate = null, Schedule = schedule.Validated(source) };
    }

    /// <summary>The schedule file --lr-schedule names, when it names one rather than a schedule.</summary>
    public string? ScheduleFile(ParseResult parsed) =>
        parsed.GetValue(_schedule) is { } name && !LearningRateSchedule.Names.Contains(name) ? name : null;

    /// <summary>ReduceLROnPlateau's settings when --reduce-lr-on-plateau is given; its arguments without it are an error.</summary>
    public PlateauSettings? Plateau(ParseResult parsed)
    {
        if (!parsed.GetValue(_plateau))
        {
            if (PlateauArguments.FirstOrDefault(o => Given(parsed, o)) is { } stray)
                throw new FashionCnnException($"{stray.Name} is an argument of --reduce-lr-on-plateau, which was not given.");
            return null;
        }
        return new PlateauSettings
        {
            Monitor = parsed.GetValue(_monitor)!, Factor = parsed.GetValue(_factor), Patience = parsed.GetValue(_patience), Mode = parsed.GetValue(_mode)!,
            MinDelta = parsed.GetValue(_minDelta), Cooldown = parsed.GetValue(_cooldown), MinLr = parsed.GetValue(_minLr),
        };
    }

    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };

    private static T Required<T>(ParseResult parsed, Option<T?> option, string name) where T : struct =>
        parsed.GetValue(option) ?? throw new FashionCnnException($"--lr-schedule {name} needs {option.Name}.");

    private static string Required(ParseResult parsed, Option<string?> option, string name) =>
        parsed.GetValue(option) ?? throw new FashionCnnException($"--lr-schedule {name} needs {option.Name}.");

    private static double[] Numbers(string text, string option) =>
        text.Split(',').Select(part => double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value : throw new FashionCnnException($"{option} must be numbers separated by commas (got {text}).")).ToArray();

    private static long WholeSteps(double step) =>
        step == Math.Floor(step) && step >= 0 && step < 1e15 ? (long)step
            : throw new FashionCnnException($"--boundaries are optimizer steps, whole numbers from 0 (got {step.ToString(CultureInfo.InvariantCulture)}).");
}
