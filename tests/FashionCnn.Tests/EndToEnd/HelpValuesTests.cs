using System.CommandLine;
using System.Text.RegularExpressions;
using FashionCnn.Cli;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// What help offers, the parser accepts: for every option of every verb, each value its help lists (<c>&lt;a|b|c&gt;</c>)
/// and its shown default are fed back to the parser, as written and in upper case.
/// </summary>
public class HelpValuesTests
{
    private static readonly Regex OptionLine = new(@"^\s{2}(?:-\S+, )*(--[a-z-]+)(?: <([^>]+)>)?.*?(?:\[default: ([^\]]+)\])?\s*$", RegexOptions.Multiline);

    private static IEnumerable<(string[] Path, Command Command)> Verbs(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] subPath = [.. path, sub.Name];
            yield return (subPath, sub);
            foreach (var nested in Verbs(sub, subPath)) yield return nested;
        }
    }

    private static string Help(RootCommand root, string[] verb)
    {
        var output = new StringWriter();
        root.Parse([.. verb, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        // Help wraps long lines; an option's values and default may land on a continuation line.
        return Regex.Replace(output.ToString(), @"\n\s{20,}", " ");
    }

    [Fact]
    public void Every_value_help_shows_is_accepted_in_any_case()
    {
        var (root, _) = CommandTree.Create();
        int checkedValues = 0;
        foreach (var (verb, _) in Verbs(root, []))
        {
            foreach (Match line in OptionLine.Matches(Help(root, verb)))
            {
                string option = line.Groups[1].Value;
                var shown = new List<string>();
                if (line.Groups[2].Value.Contains('|')) shown.AddRange(line.Groups[2].Value.Split('|'));
                if (line.Groups[3].Success) shown.Add(line.Groups[3].Value);
                foreach (string value in shown.Distinct())
                    foreach (string spelling in new[] { value, value.ToUpperInvariant() }.Distinct())
                    {
                        var parsed = root.Parse([.. verb, option, spelling]);
                        var errors = parsed.Errors.Where(e => e.Message.Contains(option) || e.SymbolResult is System.CommandLine.Parsing.OptionResult o && o.Option.Name == option);
                        Assert.True(!errors.Any(), $"fashioncnn {string.Join(' ', verb)} {option} {spelling}: {string.Join("; ", errors.Select(e => e.Message))}");
                        checkedValues++;
                    }
            }
        }
        // Every verb has options with listed values or defaults; far fewer would mean the help format changed under the test.
        Assert.True(checkedValues > 80, $"only {checkedValues} values found in help");
    }

    [Theory]
    [InlineData("evaluate", "--split", "TEST", "test")]
    [InlineData("visualize", "--split", "Train-Input", "train-input")]
    [InlineData("train", "--optimizer", "RMSprop", "rmsprop")]
    [InlineData("train", "--device", "CPU", "cpu")]
    [InlineData("predict", "--invert", "Yes", "yes")]
    [InlineData("export", "--format", "SafeTensors", "safetensors")]
    public void A_value_in_another_case_means_the_same(string verb, string option, string given, string meant)
    {
        var (root, _) = CommandTree.Create();
        var command = root.Subcommands.Single(c => c.Name == verb);

        var parsed = root.Parse([verb, option, given]);

        Assert.Equal(meant, parsed.GetValue(command.Options.OfType<Option<string>>().Single(o => o.Name == option)));
    }

    [Fact]
    public void Help_lists_values_in_lower_case_and_no_enum_names()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--help");

        Assert.Contains("--split <train|val|test|train-input>", result.Stdout);
        Assert.Contains("[default: val]", result.Stdout);
        Assert.DoesNotContain("Val]", result.Stdout);
        Assert.DoesNotContain("(default: this machine's cores). [default:", result.Stdout);
    }

    [Fact]
    public void No_verb_is_a_usage_error()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("train", result.Stdout);
    }
}
