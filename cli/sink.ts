/**
 * Where a run's output goes, and the one path every command writes it through.
 *
 * - Standard output is written synchronously, all of it or an error: a reader that has stopped (EPIPE,
 *   `tagguard plan p.json | head`) ends the run quietly, as `git log | head` does; any other write error
 *   (a full disk, EIO, a closed descriptor) is one line naming the output.
 * - `--out`: a regular file (or a link to one) is replaced atomically, never left half-written; a
 *   terminal, a pipe, a FIFO, a device, or the process's own descriptors (`/dev/stdout`, `/proc/self/fd/1`)
 *   are written through, never replaced by a file. An input is never an output.
 * - The GitHub job summary is appended only to a file that is not one of the run's inputs.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError, describeErrno, realPath, shownPath } from "./input";
import { whileRunning } from "./lifecycle";

/** An output that could not be written in full (not a broken pipe): exit 2 with one line naming it. */
export class OutputError extends Error {}

/** The reader of an output stopped before it had all of it (EPIPE): the run ends quietly, its verdict undelivered. */
export class ReaderGone extends Error {}

/** The process's own descriptors: writing to them must reach what they are open on, never replace it. */
const OWN_DESCRIPTOR = /^\/(?:dev\/(stdout|stderr|fd\/(\d+))|proc\/(self|thread-self|\d+)\/fd\/(\d+))$/;

/**
 * The descriptor of this process that a path names, directly or through links (`/dev/stdout`, a link to
 * `/proc/self/fd/1`), or undefined. It is written to as it is: a socket or a pipe behind it cannot be
 * opened again by name (ENXIO), and a file behind it must not be truncated under the shell's redirect.
 */
function ownDescriptor(file: string): number | undefined {
    let current = path.resolve(file);
    for (let hops = 0; hops < 40; hops++) {
        const m = OWN_DESCRIPTOR.exec(current);
        if (m) {
            if (m[3] !== undefined && m[3] !== "self" && m[3] !== "thread-self" && Number(m[3]) !== process.pid) return undefined;
            return m[1] === "stdout" ? 1 : m[1] === "stderr" ? 2 : Number(m[2] ?? m[4]);
        }
        let next: string;
        try {
            next = fs.readlinkSync(current);
        } catch {
            return undefined;
        }
        current = path.resolve(path.dirname(current), next);
    }
    return undefined;
}

/** A file's identity (device and inode), to tell whether two paths are the same file; undefined when it does not exist. */
function identity(file: string): string | undefined {
    try {
        const s = fs.statSync(file);
        return `${s.dev}:${s.ino}`;
    } catch {
        return undefined;
    }
}

/**
 * Whether `file` is one of `inputs`: the same file by identity (links, hard links, descriptors) or by
 * canonical path; an input that is a folder (a Pulumi project) holds every file under it.
 */
export function isOneOf(file: string, inputs: readonly string[]): string | undefined {
    const id = identity(file);
    const real = realPath(file);
    return inputs.find((input) => {
        const inputReal = realPath(input);
        if ((id !== undefined && identity(input) === id) || inputReal === real) return true;
        return isFolder(input) && real.startsWith(inputReal.endsWith(path.sep) ? inputReal : `${inputReal}${path.sep}`);
    });
}

function isFolder(file: string): boolean {
    try {
        return fs.statSync(file).isDirectory();
    } catch {
        return false;
    }
}

/** How an output path is written: replaced atomically at `path`, or written through (a device, pipe or descriptor). */
export interface OutputTarget {
    path: string;
    through: boolean;
    /** This process's own descriptor the path names, written to directly. */
    fd?: number;
    /** As the user gave it, for messages. */
    given: string;
}

/** Checks an output path before any work is done: its folder exists, it is not a folder, not an input, and how it will be written. */
export function outputTarget(file: string, inputs: readonly string[] = []): OutputTarget {
    if (!file) throw new UsageError("--out: empty path (an unset variable?)");
    const target = path.resolve(file);
    const dir = path.dirname(target);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--out ${shownPath(file)}: the folder ${shownPath(dir)} does not exist`);
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(target);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A link to nothing is written where it points; a missing file is created.
        if (code !== "ENOENT") throw new UsageError(`--out ${shownPath(file)}: ${describeErrno(e as NodeJS.ErrnoException)}`);
    }
    if (stat?.isDirectory()) throw new UsageError(`--out ${shownPath(file)}: is a directory`);
    const input = isOneOf(target, inputs);
    if (input !== undefined) throw new UsageError(`--out ${shownPath(file)}: is one of the inputs; tagguard never overwrites an input${input === file ? "" : ` (it is ${shownPath(input)})`}`);
    const fd = ownDescriptor(target);
    const through = fd !== undefined || (stat !== undefined && !stat.isFile());
    // A link to a regular file stays a link: the file it points to is replaced.
    return { path: through ? target : realPath(target), through, fd, given: file };
}

/** Writes all of `text` to a descriptor; a non-blocking pipe that is full is waited on, not given up. */
function writeAll(fd: number, text: string): void {
    const bytes = Buffer.from(text, "utf8");
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let offset = 0;
    while (offset < bytes.length) {
        try {
            offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
            Atomics.wait(pause, 0, 0, 5);
        }
    }
}

function failure(e: unknown, name: string): Error {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EPIPE") return new ReaderGone(name);
    return new OutputError(`${name}: could not be written in full (${describeErrno(err)})`);
}

/** The run's output on standard output. */
export function writeStdout(text: string): void {
    writeThrough(text, "/dev/stdout", 1, "w", "standard output");
}

/**
 * Writes all of `text` where a path leads without replacing what is there: to this process's own
 * descriptor `fd` when the path names one, else to the path opened with `flags` (`w` for a device or
 * pipe, whose O_TRUNC is ignored; `a` for a file appended to). `name` says which output failed.
 */
function writeThrough(text: string, file: string, fd: number | undefined, flags: "w" | "a", name: string): void {
    let opened: number | undefined;
    try {
        if (fd !== undefined) writeAll(fd, text);
        else {
            opened = fs.openSync(file, flags);
            writeAll(opened, text);
        }
    } catch (e) {
        throw failure(e, name);
    } finally {
        if (opened !== undefined) fs.closeSync(opened);
    }
}

/** The run's output: to `--out` when given, else to standard output. */
export function writeOutput(text: string, out: string | undefined, inputs: readonly string[] = []): void {
    if (out === undefined) return writeStdout(text);
    const target = outputTarget(out, inputs);
    const name = `--out ${shownPath(target.given)}`;
    if (target.through) return writeThrough(text, target.path, target.fd, "w", name);
    const temp = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${process.pid}.tmp`);
    // Ctrl-C while the temporary file is written removes it: no partial output is left behind.
    const unregister = whileRunning(() => fs.rmSync(temp, { force: true }));
    try {
        fs.writeFileSync(temp, text, { flag: "wx" });
        fs.renameSync(temp, target.path);
    } catch (e) {
        fs.rmSync(temp, { force: true });
        throw failure(e, name);
    } finally {
        unregister();
    }
}

/**
 * In a GitHub Actions job, the Markdown summary is appended to `$GITHUB_STEP_SUMMARY`, whatever the
 * output format; never to one of the run's inputs or its `--out` file (a warning names the clash).
 */
export function appendJobSummary(markdown: () => string, inputs: readonly string[], out?: string): void {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (process.env.GITHUB_ACTIONS !== "true" || !file) return;
    const clash = isOneOf(file, inputs) ?? (out !== undefined ? isOneOf(file, [out]) : undefined);
    if (clash !== undefined) {
        const what = out !== undefined && clash === out ? "the --out file" : `one of the run's inputs (${shownPath(clash)})`;
        process.stderr.write(`tagguard: warning: $GITHUB_STEP_SUMMARY (${shownPath(file)}) is ${what}: no job summary written\n`);
        return;
    }
    writeThrough(markdown(), file, ownDescriptor(file), "a", `$GITHUB_STEP_SUMMARY (${shownPath(file)})`);
}
