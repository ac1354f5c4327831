/**
 * The billing files a report reads: globs expanded by tagguard (so that every file is known before
 * anything is read or written), each real file once, regular files only, in a format DuckDB reads.
 */
import * as fs from "fs";
import { globSync, isDynamicPattern } from "tinyglobby";
import { regularFile, shownPath, uniqueInputs } from "../input";
import { BillingInputError } from "./sources";

const FORMATS = /\.(csv|csv\.gz|parquet)$/i;

/** Reads the first bytes of a file to tell UTF-16 text, which DuckDB's CSV reader does not take. */
function utf16(file: string): boolean {
    const fd = fs.openSync(file, "r");
    try {
        const head = Buffer.alloc(4);
        const n = fs.readSync(fd, head, 0, 4, 0);
        return n >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (n === 4 && (head[1] === 0 && head[3] === 0)));
    } finally {
        fs.closeSync(fd);
    }
}

export function billingFiles(patterns: readonly string[]): { files: string[]; warnings: string[] } {
    const found: string[] = [];
    for (const pattern of patterns) {
        if (!pattern.trim()) throw new BillingInputError("an empty path (an unset variable?) was given as a billing export");
        if (isDynamicPattern(pattern)) {
            const matches = globSync([pattern], { absolute: true, onlyFiles: true, dot: false, expandDirectories: false }).sort();
            if (!matches.length) throw new BillingInputError(`${shownPath(pattern)}: no file matches`);
            found.push(...matches);
        } else {
            found.push(pattern);
        }
    }
    const { files, warnings } = uniqueInputs(found);
    for (const file of files) {
        try {
            regularFile(file, Number.MAX_SAFE_INTEGER);
        } catch (e) {
            throw new BillingInputError(e instanceof Error ? e.message : String(e));
        }
        if (!FORMATS.test(file)) throw new BillingInputError(`${shownPath(file)}: not a .csv, .csv.gz or .parquet file`);
        if (/\.csv$/i.test(file) && utf16(file)) throw new BillingInputError(`${shownPath(file)}: UTF-16 text; save the export as UTF-8 (DuckDB reads CSV as UTF-8)`);
    }
    return { files, warnings };
}
