using PuppeteerSharp;
using PuppeteerSharp.Media;
using SkiaSharp;

namespace FashionCnn.Tests.Page;

/// <summary>
/// The four reports opened in a real browser from their files, as a reader opens them: no console errors, no request
/// of any kind beyond the file itself, every picture decoded, nothing wider than a 390 px phone, headings and alt texts
/// in place, both colour schemes and print, and a 1280 px screenshot that shows a page.
/// </summary>
[Collection(nameof(RunReportCollection))]
public class ReportBrowserTests(RunReports reports, Chromium chromium) : IClassFixture<Chromium>
{
    [Theory]
    [MemberData(nameof(RunReports.All), MemberType = typeof(RunReports))]
    public async Task The_page_loads_offline_without_errors_and_every_picture_decodes(string name)
    {
        var (page, requests, errors) = await Open(name);
        await using var _ = page;

        Assert.Empty(errors);
        Assert.Empty(requests);
        int images = await page.EvaluateExpressionAsync<int>("document.images.length");
        Assert.True(images >= 3, $"{name}: {images} images");
        var broken = await page.EvaluateExpressionAsync<string[]>(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt)");
        Assert.Empty(broken);
    }

    [Theory]
    [MemberData(nameof(RunReports.All), MemberType = typeof(RunReports))]
    public async Task Headings_are_in_order_and_every_picture_and_table_says_what_it_holds(string name)
    {
        var (page, _, _) = await Open(name);
        await using var __ = page;

        int[] levels = await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])");
        Assert.Equal(1, levels[0]);
        Assert.Single(levels, l => l == 1);
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second <= pair.First + 1, $"{name}: h{pair.First} followed by h{pair.Second}"));
        string[] alts = await page.EvaluateExpressionAsync<string[]>("[...document.images].map(i => i.getAttribute('alt') ?? '')");
        Assert.All(alts, alt =>
        {
            Assert.True(alt.Length >= 40, $"{name}: alt text too short to say what the picture shows: '{alt}'");
            Assert.DoesNotContain(".png", alt);
        });
        int headerless = await page.EvaluateExpressionAsync<int>("[...document.querySelectorAll('table')].filter(t => !t.querySelector('th')).length");
        Assert.Equal(0, headerless);
    }

    [Theory]
    [MemberData(nameof(RunReports.All), MemberType = typeof(RunReports))]
    public async Task Nothing_is_wider_than_a_390_px_phone(string name)
    {
        var (page, _, _) = await Open(name, width: 390);
        await using var _ = page;

        int width = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth");
        string[] wide = await page.EvaluateExpressionAsync<string[]>(
            "[...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
            + ".map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40))");
        Assert.Empty(wide);
        Assert.True(width <= 390, $"{name}: the page scrolls sideways ({width} px)");
    }

    /// <summary>Dark mode turns the page dark and keeps the pictures on the white they were drawn on, so their text stays legible.</summary>
    [Fact]
    public async Task Dark_mode_is_dark_and_the_pictures_keep_their_white_ground()
    {
        var (page, _, _) = await Open(RunReports.Cnn);
        await using var _ = page;
        await page.EmulateMediaFeaturesAsync([new MediaFeatureValue { MediaFeature = MediaFeature.PrefersColorScheme, Value = "dark" }]);

        string body = await page.EvaluateExpressionAsync<string>("getComputedStyle(document.body).backgroundColor");
        string text = await page.EvaluateExpressionAsync<string>("getComputedStyle(document.body).color");
        string picture = await page.EvaluateExpressionAsync<string>("getComputedStyle(document.images[0]).backgroundColor");
        Assert.True(Luminance(body) < 0.2, body);
        Assert.True(Luminance(text) > 0.7, text);
        Assert.Equal("rgb(255, 255, 255)", picture);
    }

    [Fact]
    public async Task Print_hides_the_contents_and_keeps_figures_whole()
    {
        var (page, _, _) = await Open(RunReports.Cnn);
        await using var _ = page;
        await page.EmulateMediaTypeAsync(MediaType.Print);

        Assert.Equal("none", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('nav')).display"));
        Assert.Equal("avoid", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('figure')).breakInside"));
        byte[] pdf = await page.PdfDataAsync(new PdfOptions { Format = PaperFormat.A4 });
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
    }

    [Theory]
    [MemberData(nameof(RunReports.All), MemberType = typeof(RunReports))]
    public async Task A_1280_px_screenshot_shows_a_page(string name)
    {
        var (page, _, _) = await Open(name, width: 1280);
        await using var _ = page;

        byte[] png = await page.ScreenshotDataAsync(new ScreenshotOptions { Type = ScreenshotType.Png });

        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(1280, bitmap.Width);
        int ink = 0, samples = 0;
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 4)
            for (int x = 0; x < bitmap.Width; x += 4, samples++)
            {
                var pixel = bitmap.GetPixel(x, y);
                colours.Add(pixel);
                if (pixel.Red + pixel.Green + pixel.Blue < 3 * 200) ink++;
            }
        Assert.True(colours.Count > 30, $"{name}: the screenshot has {colours.Count} colours");
        Assert.True(ink > samples / 200, $"{name}: only {ink} of {samples} sampled pixels are darker than the page");
    }

    /// <summary>
    /// Opens a report from its file at <paramref name="width"/> px. Every request but the file itself and its data: pictures
    /// is counted and aborted; console errors and page errors are collected.
    /// </summary>
    private async Task<(IPage Page, List<string> Requests, List<string> Errors)> Open(string name, int width = 1280)
    {
        var page = await chromium.Browser.NewPageAsync();
        var requests = new List<string>();
        var errors = new List<string>();
        string url = new Uri(reports.Report(name)).AbsoluteUri;
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            // Chromium reports each data: picture as a request too; it is decoded from the page, not fetched.
            if (e.Request.Url == url || e.Request.Url.StartsWith("data:", StringComparison.Ordinal)) await e.Request.ContinueAsync();
            else
            {
                lock (requests) requests.Add(e.Request.Url[..Math.Min(80, e.Request.Url.Length)]);
                await e.Request.AbortAsync();
            }
        };
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) lock (errors) errors.Add(e.Message.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add(e.Message); };
        await page.GoToAsync(url, WaitUntilNavigation.Load);
        return (page, requests, errors);
    }

    /// <summary>Relative luminance of a CSS rgb() colour, 0 for black to 1 for white.</summary>
    private static double Luminance(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',').Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture) / 255).ToArray();
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2];
    }
}
