/**
 * Where output goes, and what happens when it cannot get there: every command, in every format, into a
 * pipe whose reader stops, onto a full device, and into `--out` targets that are not plain files
 * (devices, FIFOs, the process's own descriptors, links to them). A gate that runs in every pull request
 * must end, say why in one line, and never write where it should not; a lost report is never a verdict.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FORMATS } from "../../cli/check/formats";
import { PLAN_FORMATS } from "../../cli/plan/formats";
import { AUDIT_FORMATS } from "../../cli/audit/formats";
import { REPORT_FORMATS } from "../../cli/report/formats";
import { plan as planJson } from "../plan/helpers";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const UNTAGGED_PLAN = path.join(ROOT, "examples", "terraform", "untagged", "plan.json");
const STATES = path.join(ROOT, "test", "fixtures", "state");
const FOCUS = path.join(ROOT, "examples", "billing", "focus-ml-platform.csv");
const PROGRAM = path.join(ROOT, "test", "fixtures", "programs", "javascript");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-outputs-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const ENV = { ...process.env, TAGGUARD_TODAY: "2026-11-28", TAGGUARD_DEBUG: "", GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "" };
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?\n|Unhandled 'error' event|internal error/;

interface Command {
    name: string;
    args: string[];
    formats: readonly string[];
    /** The exit code of the verdict when the output is delivered. */
    verdict: number;
    out: boolean;
}

const COMMANDS: Command[] = [
    { name: "check", args: ["check", PROGRAM], formats: FORMATS, verdict: 1, out: false },
    { name: "plan", args: ["plan", UNTAGGED_PLAN], formats: PLAN_FORMATS, verdict: 1, out: true },
    { name: "audit", args: ["audit", STATES], formats: AUDIT_FORMATS, verdict: 0, out: true },
    { name: "report", args: ["report", FOCUS], formats: REPORT_FORMATS, verdict: 0, out: true },
];
const RUNS = COMMANDS.flatMap((c) => c.formats.map((format) => [`${c.name} --format ${format}`, c, format] as const));

interface Ended {
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    received: number;
}

/** Runs tagguard with stdout a pipe that is closed after `keep` bytes (0: before anything is written). */
function intoClosingPipe(args: string[], keep: number): Promise<Ended> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        let received = 0;
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        if (keep === 0) child.stdout.destroy();
        else {
            child.stdout.on("data", (d: Buffer) => {
                received += d.length;
                if (received >= keep) child.stdout.destroy();
            });
        }
        child.once("close", (code, signal) => resolve({ code, signal, stderr, received }));
    });
}

function withStdout(args: string[], fd: number, env: NodeJS.ProcessEnv = ENV): { status: number | null; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ["ignore", fd, "pipe"], encoding: "utf8", timeout: 120_000 });
    return { status: r.status, stderr: r.stderr };
}

describe("a reader that stops early ends the run quietly, never with a stack trace or a verdict it did not deliver", () => {
    test.each(RUNS)("%s into a pipe closed before anything is written: exit 2, nothing on stderr", async (_name, c, format) => {
        const r = await intoClosingPipe([...c.args, "--format", format], 0);
        expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 2, signal: null, stderr: "" });
    }, 120_000);

    test.each(RUNS)("%s into a pipe closed after 100 bytes: the verdict only when all of it went into the pipe, else exit 2", async (_name, c, format) => {
        const r = await intoClosingPipe([...c.args, "--format", format], 100);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(r.stderr).toBe("");
        expect([c.verdict, 2]).toContain(r.code);
    }, 120_000);

    test("a report larger than the pipe holds, read for 100 bytes: exit 2 (the verdict line was never delivered), quietly", async () => {
        const file = path.join(work, "large-plan.json");
        fs.writeFileSync(file, JSON.stringify(planJson({ changes: Array.from({ length: 3000 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, after: { tags_all: {} } })) })));
        for (const format of ["text", "json", "markdown"]) {
            const r = await intoClosingPipe(["plan", file, "--format", format], 100);
            expect({ format, code: r.code, stderr: r.stderr }).toEqual({ format, code: 2, stderr: "" });
        }
    }, 120_000);
});

describe("a standard output or --out that cannot be written in full: one line naming it, exit 2", () => {
    test.each(RUNS)("%s > /dev/full", (_name, c, format) => {
        const full = fs.openSync("/dev/full", "w");
        try {
            const r = withStdout([...c.args, "--format", format], full);
            expect(r).toEqual({ status: 2, stderr: "tagguard: standard output: could not be written in full (no space left on the device)\n" });
        } finally {
            fs.closeSync(full);
        }
    }, 120_000);

    test.each(COMMANDS.filter((c) => c.out).map((c) => [c.name, c] as const))("%s --out /dev/full (a device: written through, and its error named)", (_name, c) => {
        const r = spawnSync(process.execPath, [BIN, ...c.args, "--out", "/dev/full"], { cwd: ROOT, env: ENV, encoding: "utf8" });
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 2, stdout: "", stderr: "tagguard: --out /dev/full: could not be written in full (no space left on the device)\n" });
    });

    // A filesystem with no room left: the temporary file cannot be written, the old output stays whole, nothing is left behind.
    const full = path.join(work, "full-fs");
    let mounted = false;
    beforeAll(() => {
        fs.mkdirSync(full);
        mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4k,nr_inodes=16", "tmpfs", full]).status === 0;
        if (mounted) {
            fs.writeFileSync(path.join(full, "report.txt"), "the previous report\n");
            // Fill what is left (a page), so every further byte fails with ENOSPC.
            try {
                fs.writeFileSync(path.join(full, "filler"), Buffer.alloc(64 * 1024));
            } catch {
                // it fills the filesystem and then fails: that is the point
            }
        }
    });
    afterAll(() => {
        if (mounted) spawnSync("umount", [full]);
    });
    test.each(COMMANDS.filter((c) => c.out).map((c) => [c.name, c] as const))("%s --out on a full filesystem (tmpfs): one line, exit 2, the previous output intact, no temporary file", (_name, c) => {
        if (!mounted) {
            // Not allowed to mount here: a write error is simulated by the kernel's own full device instead (above).
            expect(spawnSync("mount", ["-t", "tmpfs", "tmpfs", full]).status).not.toBe(0);
            return;
        }
        const out = path.join(full, "report.txt");
        const r = spawnSync(process.execPath, [BIN, ...c.args, "--out", out], { cwd: ROOT, env: ENV, encoding: "utf8" });
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: `tagguard: --out ${out}: could not be written in full (no space left on the device)\n` });
        expect(fs.readFileSync(out, "utf8")).toBe("the previous report\n");
        expect(fs.readdirSync(full).sort()).toEqual(["filler", "report.txt"]);
    });
});

describe("--out targets that are not plain files are written through, never replaced", () => {
    const plan = ["plan", UNTAGGED_PLAN];
    const expected = spawnSync(process.execPath, [BIN, ...plan], { cwd: ROOT, env: ENV, encoding: "utf8" }).stdout;

    test("/dev/stdout with standard output a pipe: the report arrives on it", () => {
        const r = spawnSync(process.execPath, [BIN, ...plan, "--out", "/dev/stdout"], { cwd: ROOT, env: ENV, encoding: "utf8" });
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 1, stdout: expected, stderr: "" });
        expect(fs.lstatSync("/dev/stdout").isSymbolicLink()).toBe(true);
    });

    test("/dev/stdout with standard output redirected to a file: written into that file, which is not replaced", () => {
        const file = path.join(work, "redirected.txt");
        fs.writeFileSync(file, "");
        const inode = fs.statSync(file).ino;
        const fd = fs.openSync(file, "w");
        try {
            expect(withStdout([...plan, "--out", "/dev/stdout"], fd)).toEqual({ status: 1, stderr: "" });
        } finally {
            fs.closeSync(fd);
        }
        expect(fs.readFileSync(file, "utf8")).toBe(expected);
        expect(fs.statSync(file).ino).toBe(inode);
    });

    test("$GITHUB_STEP_SUMMARY=/dev/stdout (a socket here, which cannot be opened by name): the summary follows the report", () => {
        const r = spawnSync(process.execPath, [BIN, ...plan], { cwd: ROOT, env: { ...ENV, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "/dev/stdout" }, encoding: "utf8" });
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: "" });
        expect(r.stdout.startsWith(expected)).toBe(true);
        expect(r.stdout.slice(expected.length)).toMatch(/^## tagguard plan: examples\/terraform\/untagged\/plan\.json\n/);
    });

    test("a link to /proc/self/fd/1: the report arrives on standard output, the link stays a link", () => {
        const link = path.join(work, "fd1");
        fs.symlinkSync("/proc/self/fd/1", link);
        const r = spawnSync(process.execPath, [BIN, ...plan, "--out", link], { cwd: ROOT, env: ENV, encoding: "utf8" });
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 1, stdout: expected, stderr: "" });
        expect(fs.readlinkSync(link)).toBe("/proc/self/fd/1");
    });

    test("a FIFO with a reader: the report goes through it, the FIFO stays a FIFO", async () => {
        const fifo = path.join(work, "fifo");
        expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
        const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "inherit"] });
        let read = "";
        reader.stdout.setEncoding("utf8").on("data", (d: string) => (read += d));
        const readerDone = new Promise((resolve) => reader.once("close", resolve));
        const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [BIN, ...plan, "--out", fifo], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
            let stderr = "";
            child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
            child.once("close", (code) => resolve({ code, stderr }));
        });
        await readerDone;
        expect(r).toEqual({ code: 1, stderr: "" });
        expect(read).toBe(expected);
        expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    }, 60_000);

    test("a character device (/dev/null, and a link to it): written through, the device untouched", () => {
        const link = path.join(work, "null-link");
        fs.symlinkSync("/dev/null", link);
        for (const out of ["/dev/null", link]) {
            const r = spawnSync(process.execPath, [BIN, ...plan, "--out", out], { cwd: ROOT, env: ENV, encoding: "utf8" });
            expect({ out, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ out, status: 1, stdout: "", stderr: "" });
        }
        expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
        expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    });

    test("a link to a regular file: the file it points to is replaced, the link stays", () => {
        const target = path.join(work, "target.txt");
        const link = path.join(work, "target-link.txt");
        fs.writeFileSync(target, "old");
        fs.symlinkSync(target, link);
        const r = spawnSync(process.execPath, [BIN, ...plan, "--out", link], { cwd: ROOT, env: ENV, encoding: "utf8" });
        expect(r.status).toBe(1);
        expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
        expect(fs.readFileSync(target, "utf8")).toBe(expected);
    });

    test("an input reached through /proc/self/fd is still an input", () => {
        const plan2 = path.join(work, "input-plan.json");
        fs.copyFileSync(UNTAGGED_PLAN, plan2);
        const before = fs.readFileSync(plan2, "utf8");
        const fd = fs.openSync(plan2, "r+");
        try {
            const r = spawnSync(process.execPath, [BIN, "plan", plan2, "--out", `/proc/self/fd/${3}`], { cwd: ROOT, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe", fd] });
            expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^tagguard: --out \/proc\/self\/fd\/3: is one of the inputs; tagguard never overwrites an input \(it is .*input-plan\.json\)\n$/) });
        } finally {
            fs.closeSync(fd);
        }
        expect(fs.readFileSync(plan2, "utf8")).toBe(before);
    });
});

describe("signals", () => {
    test("SIGINT while a large plan is being read ends the run within a second, leaving no output file", async () => {
        const dir = fs.mkdtempSync(path.join(work, "sigint-"));
        const file = path.join(dir, "plan.json");
        const padding = "x".repeat(2_000);
        fs.writeFileSync(file, JSON.stringify(planJson({ changes: Array.from({ length: 40_000 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, after: { tags_all: {}, policy: padding } })) })));
        const out = path.join(dir, "report.json");
        const child = spawn(process.execPath, [BIN, "plan", file, "--format", "json", "--out", out], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
        const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
        await new Promise((resolve) => setTimeout(resolve, 400));
        const sent = Date.now();
        child.kill("SIGINT");
        const r = await ended;
        expect(Date.now() - sent).toBeLessThan(1_000);
        // Killed by the signal (its default action), or 130 when a cleanup had to run first.
        expect(r.signal === "SIGINT" || r.code === 130).toBe(true);
        expect(fs.readdirSync(dir)).toEqual(["plan.json"]);
    }, 60_000);
});
