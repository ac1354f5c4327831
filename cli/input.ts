/**
 * Reading the user's files: only regular files (never a FIFO, a device or a directory), bounded in size,
 * decoded from UTF-8 (with or without BOM) or UTF-16 with a BOM (as PowerShell writes), and every
 * failure one line naming the file and the cause.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import * as path from "path";
import { ParseErrorCode, printParseErrorCode, visit as visitJson } from "jsonc-parser";
import { visible } from "../tagset/text";

/** A mistake in what the user gave tagguard: exit 2 with one line. */
export class UsageError extends Error {}

/** Size bound for configuration, plans and state files read whole: 512 MiB, below V8's longest string. */
/** A JSON object (not an array, not null): what every reader of tagguard's inputs checks before reading keys. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Levels of nesting tagguard follows in any input; real plans, exports and configs stay far below it. */
export const MAX_NESTING = 512;

/** A RangeError from a recursion deeper than the stack: what a value nested without bound ends in. */
export const isStackOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(e.message);

/** A path for messages: as given, made visible (a file name can hold control characters). */
export const shownPath = (file: string): string => visible(file, { max: 300 });

/** An operating-system error in words (its code where there are none). */
export function describeErrno(e: NodeJS.ErrnoException): string {
    switch (e.code) {
        case "ENOENT": return "no such file";
        case "EACCES": case "EPERM": return "permission denied";
        case "EISDIR": return "is a directory, not a file";
        case "ENOTDIR": return "a part of the path is not a directory";
        case "ELOOP": return "too many symbolic links";
        case "ENAMETOOLONG": return "the path is too long";
        case "ENOSPC": return "no space left on the device";
        case "EDQUOT": return "the disk quota is exceeded";
        case "EFBIG": return "the file would be too large";
        case "EROFS": return "a read-only file system";
        case "EIO": return "an input/output error";
        case "EBADF": return "not open for writing";
        case "ENXIO": return "no reader or device at the other end";
        default: return e.code ?? e.message;
    }
}

/** The file's status, or a UsageError naming why it cannot be read as a regular file. */
export function regularFile(file: string, maxBytes = MAX_INPUT_BYTES, kind?: string): fs.Stats {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (e) {
        throw new UsageError(`${shownPath(file)}: ${describeErrno(e as NodeJS.ErrnoException)}`);
    }
    if (stat.isDirectory()) throw new UsageError(`${shownPath(file)}: is a directory, not a file`);
    if (!stat.isFile()) throw new UsageError(`${shownPath(file)}: not a regular file (a pipe, socket or device); tagguard reads files only`);
    if (stat.size > maxBytes) throw new UsageError(`${shownPath(file)}: ${stat.size} bytes, more than the ${maxBytes} bytes tagguard reads${kind ? ` as ${kind}` : ""}; refused before reading`);
    return stat;
}

/** Decodes file bytes: UTF-8 (BOM stripped), or UTF-16 LE/BE when the file starts with its BOM. */
export function decodeText(bytes: Buffer, file: string, kind: string): string {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
        const swapped = Buffer.from(bytes.subarray(2));
        swapped.swap16();
        return swapped.toString("utf16le");
    }
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString("utf8");
    // UTF-16 without a BOM: every other byte of ASCII text is zero.
    if (bytes.length >= 4 && ((bytes[0] === 0 && bytes[2] === 0) || (bytes[1] === 0 && bytes[3] === 0))) {
        throw new UsageError(`${shownPath(file)}: looks like UTF-16 without a byte-order mark; save the ${kind} as UTF-8`);
    }
    return bytes.toString("utf8");
}

/** A text file's content, checked and decoded as above. */
export function readTextFile(file: string, kind: string, maxBytes = MAX_INPUT_BYTES): string {
    regularFile(file, maxBytes, kind);
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (e) {
        throw new UsageError(`${shownPath(file)}: ${describeErrno(e as NodeJS.ErrnoException)}`);
    }
    // gzip (a DIY backend writes its state files gzipped when PULUMI_DIY_BACKEND_GZIP is set): read through it.
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
        try {
            bytes = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
        } catch (e) {
            const tooBig = (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
            throw new UsageError(`${shownPath(file)}: ${tooBig ? `gzip data that decompresses to more than the ${maxBytes} bytes tagguard reads` : "gzip data that is corrupt or cut short"}; expected ${kind}`);
        }
    }
    return decodeText(bytes, file, kind);
}

/**
 * A JSON file's parsed content. A syntax error names the line and column but never quotes the file's
 * bytes (they may hold secrets); a file cut short says so.
 */
export function readJsonFile(file: string, kind: string, maxBytes = MAX_INPUT_BYTES): unknown {
    return parseJsonText(readTextFile(file, kind, maxBytes), file, kind);
}

export function parseJsonText(text: string, file: string, kind: string): unknown {
    if (!text.trim()) throw new UsageError(`${shownPath(file)}: empty file; expected ${kind}`);
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new UsageError(`${shownPath(file)}: ${jsonSyntaxError(text)}; expected ${kind}`);
    }
}

const isJson = (text: string): boolean => {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
};

/** Where and what the first syntax error is (V8's own message quotes the text and often lacks a position). */
function jsonSyntaxError(text: string): string {
    let first: { code: number; line: number; column: number; offset: number; length: number } | undefined;
    try {
        visitJson(text, { onError: (code, offset, length, line, column) => { first ??= { code, offset, line, column, length }; } }, { disallowComments: true, allowTrailingComma: false });
    } catch (e) {
        // The locating parser descends recursively; JSON.parse does not.
        if (!isStackOverflow(e)) throw e;
        if (!first) return `not valid JSON (nested deeper than ${MAX_NESTING} levels, too deep to say where)`;
    }
    if (!first) return "not valid JSON";
    // Cut short: the first error runs to the end of the text (an open string, object or list).
    const atEnd = first.offset + first.length >= text.trimEnd().length;
    if (atEnd && first.code !== ParseErrorCode.EndOfFileExpected && first.code !== ParseErrorCode.InvalidSymbol) return "the file ends before its JSON does (truncated?)";
    // A whole JSON value, then more: another document (`terragrunt run-all show -json` writes one per module), or a log line.
    const afterValue = first.code === ParseErrorCode.EndOfFileExpected || isJson(text.slice(0, first.offset));
    const what = afterValue ? (/^[{[]/.test(text.slice(first.offset)) ? "a second JSON document starts here; give each its own file" : "text after the JSON value")
        : printParseErrorCode(first.code).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    return `not valid JSON at line ${first.line + 1}, column ${first.column + 1} (${what})`;
}

/** The canonical path of a file (following links), or the absolute path when it does not exist. */
export function realPath(file: string): string {
    try {
        return fs.realpathSync(file);
    } catch {
        return path.resolve(file);
    }
}

/**
 * Input paths de-duplicated by real path (a file named twice, through a link, or also matched by a
 * folder); returns the kept paths and one warning per dropped duplicate.
 */
export function uniqueInputs(files: readonly string[]): { files: string[]; warnings: string[] } {
    const seen = new Map<string, string>();
    const kept: string[] = [];
    const warnings: string[] = [];
    for (const f of files) {
        const real = realPath(f);
        const first = seen.get(real);
        if (first !== undefined) {
            warnings.push(`${shownPath(f)} is the same file as ${shownPath(first)}: read once`);
            continue;
        }
        seen.set(real, f);
        kept.push(f);
    }
    return { files: kept, warnings };
}
