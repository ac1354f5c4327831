/**
 * User-supplied text (tag keys and values, resource names, file contents) shown in a message: every
 * character that is not a letter, mark, digit, punctuation, symbol or plain space is written as an
 * escape, so no control sequence, line break, bidi override or zero-width character reaches a
 * terminal, a CI log or a pull-request annotation as itself; long text is cut with its length shown.
 */

/** Shown as themselves. */
const SHOWN = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(ch: string): string {
    return NAMED[ch] ?? `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`;
}

export interface VisibleOptions {
    /** At most this many characters (code points) of the text are shown. */
    max?: number;
    /** Also escape `"` and `\`, for text shown between double quotes. */
    quoted?: boolean;
}

export const DEFAULT_VISIBLE_LENGTH = 200;

export function visible(text: string, { max = DEFAULT_VISIBLE_LENGTH, quoted = false }: VisibleOptions = {}): string {
    if (PLAIN_ASCII.test(text) && text.length <= max && !(quoted && /["\\]/.test(text))) return text;
    let out = "";
    let count = 0;
    for (const ch of text) {
        if (count === max) return `${out}... (${[...text].length} characters)`;
        if (quoted && (ch === '"' || ch === "\\")) out += `\\${ch}`;
        else out += SHOWN.test(ch) ? ch : escapeChar(ch);
        count++;
    }
    return out;
}

/** True when `visible` would show the text unchanged. */
export const isVisible = (text: string, max = DEFAULT_VISIBLE_LENGTH): boolean => visible(text, { max }) === text;

/** A value in a message: a string quoted and made visible; anything else only by its kind (it could be anything, a secret included). */
export const shownValue = (v: unknown, max = 80): string =>
    (typeof v === "string" ? `"${visible(v, { max, quoted: true })}"` : `a ${v === null ? "null" : Array.isArray(v) ? "list" : typeof v}`);
