/**
 * The output-safety layer: every string that came from the user's files (tag keys and values, resource
 * names, file names, messages quoting them) passes through the function for the format it is written
 * to, and nothing else writes user text. Text: control, format and bidi characters shown as escapes,
 * long text cut with its length shown. CSV: formula prefixes neutralised (OWASP). HTML: escaped.
 * Markdown: table and HTML syntax escaped. GitHub workflow commands: escaped as the runner requires,
 * on one line.
 */
import { DEFAULT_VISIBLE_LENGTH, visible } from "../tagset/text";

export { visible };

/** A message that may span lines (a coverage summary): each line made visible, at most `maxLines` lines. */
export function visibleLines(text: string, maxLines = 200, maxLength = 2000): string {
    const lines = text.split(/\r?\n/);
    const shown = lines.slice(0, maxLines).map((l) => visible(l, { max: maxLength }));
    if (lines.length > maxLines) shown.push(`... and ${lines.length - maxLines} more lines`);
    return shown.join("\n");
}

/**
 * A CSV cell: a value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start)
 * is prefixed with `'`, as OWASP recommends; then quoted when it holds a separator, quote or line break.
 * Numbers are written as numbers.
 */
export function csvCell(value: string | number | null | undefined, decimals?: number): string {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return decimals === undefined ? String(value) : value.toFixed(decimals);
    let text = visible(value, { max: 10_000 });
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: readonly (string | number | null | undefined)[]): string => cells.map((c) => csvCell(c)).join(",");

/** Text inside HTML (element content and attribute values). */
export function html(text: string, max = DEFAULT_VISIBLE_LENGTH): string {
    return visible(text, { max }).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * A tagguard message in a Markdown table cell: its code spans kept (escapes inside them would show),
 * no table row or HTML syntax.
 */
export function markdownMessage(text: string, max = 2000): string {
    // A line break would end the table row: its lines are joined with <br>, which GitHub renders in a cell.
    return visibleLines(text, 50, max).split("\n").map((line) => line.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;")).join("<br>");
}

/** Text inside a Markdown table cell or paragraph: no table, HTML or code-span syntax survives. */
export function markdown(text: string, max = DEFAULT_VISIBLE_LENGTH): string {
    return visible(text, { max }).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/`/g, "\\`").replace(/\*/g, "\\*").replace(/_/g, "\\_").replace(/\[/g, "\\[");
}

/**
 * The message part of a GitHub Actions workflow command (`::error ...::<message>`). The runner turns
 * `%0A` into a line break in the annotation; a raw line break would end the command and let the rest
 * of the line be read as a new one.
 */
export function githubData(text: string): string {
    return visibleLines(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property of a workflow command (`file=`, `title=`): also no `:` or `,`, and one line. */
export function githubProperty(text: string, max = 300): string {
    return visible(text, { max }).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Characters JSON.stringify leaves raw that a terminal or an editor acts on: C1 controls, line and paragraph separators, bidi and zero-width marks. */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON output, indented: the same data (it parses back unchanged), with every character a terminal
 * would act on written as a `\u` escape. Such characters can only occur inside strings.
 */
export function jsonText(value: unknown): string {
    return JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
