using System.Net;
using System.Text;

namespace FashionCnn.Page;

/// <summary>One row of a table: its cells, the first of which heads the row, and whether the row is the one to notice.</summary>
public sealed record TableRow(IReadOnlyList<string> Cells, bool Highlighted = false);

/// <summary>
/// The report's HTML, written as it is read: sections with numbered headings, paragraphs, tables whose header cells
/// say what each column and row is, and pictures embedded as <c>data:</c> URIs with alt texts. Every text is escaped here,
/// so nothing a model or folder name holds becomes markup. The page fetches nothing: its CSP allows only inline styles and
/// data: images.
/// </summary>
public sealed class HtmlPage
{
    private readonly StringBuilder _body = new();
    private readonly List<(string Id, string Title)> _sections = [];
    private readonly string _title;
    private bool _inSection;

    public HtmlPage(string title) => _title = title;

    /// <summary>Starts a section (closing the one before) with an h2 and an entry in the page's contents.</summary>
    public void Section(string id, string title)
    {
        EndSection();
        _sections.Add((id, title));
        _body.Append($"<section id=\"{Attribute(id)}\" aria-labelledby=\"{Attribute(id)}-h\">\n<h2 id=\"{Attribute(id)}-h\">{Text(title)}</h2>\n");
        _inSection = true;
    }

    public void Heading(string text) => _body.Append($"<h3>{Text(text)}</h3>\n");

    public void Paragraph(string text) => _body.Append($"<p>{Text(text)}</p>\n");

    /// <summary>Why a part of the book is missing from this page (no convolution layers, no history, …).</summary>
    public void Absent(string reason) => _body.Append($"<p class=\"absent\">{Text(reason)}</p>\n");

    /// <summary>A line the reader should see first, such as how the run ended.</summary>
    public void Notice(string text, bool warning) => _body.Append($"<p class=\"notice{(warning ? " warning" : "")}\">{Text(text)}</p>\n");

    /// <summary>A table with a caption and column headers; the first cell of each row is a row header.</summary>
    public void Table(string caption, IReadOnlyList<string> headers, IEnumerable<TableRow> rows, bool numeric = true)
    {
        _body.Append($"<table{(numeric ? " class=\"numbers\"" : "")}>\n<caption>{Text(caption)}</caption>\n<thead><tr>");
        foreach (string header in headers) _body.Append($"<th scope=\"col\">{Text(header)}</th>");
        _body.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            _body.Append(row.Highlighted ? "<tr class=\"best\">" : "<tr>");
            for (int i = 0; i < row.Cells.Count; i++)
                _body.Append(i == 0 ? $"<th scope=\"row\">{Text(row.Cells[0])}</th>" : $"<td>{Text(row.Cells[i])}</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</tbody>\n</table>\n");
    }

    /// <summary>Facts as a two-column table: what, then its value; a value with a link target becomes a relative link.</summary>
    public void Facts(string caption, IEnumerable<(string What, string Value, string? Link)> facts)
    {
        _body.Append($"<table class=\"facts\">\n<caption>{Text(caption)}</caption>\n<tbody>\n");
        foreach (var (what, value, link) in facts)
        {
            string shown = link is null ? Text(value) : $"<a href=\"{Attribute(link)}\">{Text(value)}</a>";
            _body.Append($"<tr><th scope=\"row\">{Text(what)}</th><td>{shown}</td></tr>\n");
        }
        _body.Append("</tbody>\n</table>\n");
    }

    /// <summary>A PNG file embedded in the page, with an alt text saying what it shows and a visible caption.</summary>
    public void Picture(string pngPath, string alt, string caption)
    {
        byte[] png = File.ReadAllBytes(pngPath);
        var (width, height) = PngSize(png);
        _body.Append($"<figure>\n<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" width=\"{width}\" height=\"{height}\" alt=\"{Attribute(alt)}\">\n"
                     + $"<figcaption>{Text(caption)}</figcaption>\n</figure>\n");
    }

    /// <summary>
    /// Appends the sections of <paramref name="part"/>, a page written apart (and perhaps earlier) whose sections come
    /// after this page's, contents entries included: the page reads as if they had been written here.
    /// </summary>
    public void Append(HtmlPage part)
    {
        EndSection();
        part.EndSection();
        _sections.AddRange(part._sections);
        _body.Append(part._body);
    }

    /// <summary>The whole document: head with the inline style, the title, the contents, the sections.</summary>
    public string ToHtml()
    {
        EndSection();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n");
        html.Append($"<title>{Text(_title)}</title>\n<style>\n{PageStyle.Css}</style>\n</head>\n<body>\n<main>\n<h1>{Text(_title)}</h1>\n");
        html.Append("<nav aria-label=\"Contents\"><ol>");
        foreach (var (id, title) in _sections) html.Append($"<li><a href=\"#{Attribute(id)}\">{Text(title)}</a></li>");
        html.Append("</ol></nav>\n");
        html.Append(_body);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private void EndSection()
    {
        if (_inSection) _body.Append("</section>\n");
        _inSection = false;
    }

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Attribute(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The width and height a PNG's IHDR chunk declares (bytes 16–23, big-endian), so the page keeps its layout while it loads.</summary>
    private static (int Width, int Height) PngSize(byte[] png) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
}
