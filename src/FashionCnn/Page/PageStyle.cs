namespace FashionCnn.Page;

/// <summary>
/// The report's one style sheet, inline. Light and dark follow the reader's system (prefers-color-scheme); the
/// pictures keep the white ground they were drawn on, in a frame, so their dark text stays legible in both. Everything
/// fits a 390 px phone: pictures scale down, tables shrink their text and wrap long values instead of scrolling sideways.
/// Printing keeps a table, a figure or a heading with what follows it on one page where it can.
/// </summary>
public static class PageStyle
{
    public const string Css = """
        :root { color-scheme: light dark; --text: #1d232b; --muted: #56606b; --ground: #ffffff; --panel: #f3f5f8; --line: #d5dae1; --accent: #2c5d94; --best: #fff3c4; --warn: #8a3b00; }
        @media (prefers-color-scheme: dark) {
          :root { --text: #e6e9ed; --muted: #a9b2bc; --ground: #15191e; --panel: #1f252c; --line: #39424c; --accent: #8cb8ec; --best: #4a3f12; --warn: #ffb27a; }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--ground); color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.35rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; margin-top: 2.2rem; }
        h3 { font-size: 1.1rem; margin-top: 1.6rem; }
        a { color: var(--accent); overflow-wrap: anywhere; }
        nav ol { margin: 0; padding-left: 0; list-style: none; }
        p { max-width: 75ch; overflow-wrap: anywhere; }
        .absent { color: var(--muted); font-style: italic; }
        .notice { background: var(--panel); border-left: 4px solid var(--accent); padding: 0.5rem 0.8rem; }
        .notice.warning { border-left-color: var(--warn); }
        table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; max-width: 100%; }
        caption { text-align: left; font-weight: 600; padding: 0.3rem 0; caption-side: top; }
        th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; vertical-align: top; overflow-wrap: anywhere; }
        thead th { background: var(--panel); }
        th[scope="row"] { text-align: left; font-weight: 600; }
        table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
        table.facts td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
        tr.best > * { background: var(--best); }
        figure { margin: 1rem 0; }
        img { display: block; max-width: 100%; height: auto; background: #ffffff; border: 1px solid var(--line); border-radius: 4px; padding: 4px; }
        figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
        @media (max-width: 600px) {
          main { padding: 0.6rem; }
          h1 { font-size: 1.3rem; }
          table { font-size: 0.75rem; }
          th, td { padding: 0.2rem 0.25rem; }
        }
        @media print {
          :root { --text: #000000; --muted: #333333; --ground: #ffffff; --panel: #eeeeee; --line: #999999; --best: #eeeeee; }
          nav { display: none; }
          main { max-width: none; padding: 0; }
          h2, h3 { break-after: avoid; }
          table, figure, .notice { break-inside: avoid; }
          img { max-height: 24cm; width: auto; }
          a { color: inherit; text-decoration: none; }
        }

        """;
}
