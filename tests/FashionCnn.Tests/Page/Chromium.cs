using PuppeteerSharp;

namespace FashionCnn.Tests.Page;

/// <summary>
/// One headless Chromium for a test class: the system's own (Debian's chromium package, which .ci/run installs), driven
/// through the DevTools protocol; PuppeteerSharp downloads nothing. --no-sandbox because CI runs as root.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string executable = Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"no Chromium at {string.Join(" or ", Candidates)}: install it with 'apt-get install chromium' (.ci/run does)");
        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync() => await Browser.DisposeAsync();
}
