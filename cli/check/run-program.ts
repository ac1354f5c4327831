/** Runs a Pulumi program under mocks in a child process and returns what it registered. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PulumiProject, StackConfig } from "./project";
import type { RecordedProgram } from "./recorded";

export interface ProgramRunOptions {
    project: PulumiProject;
    stack: StackConfig;
    organization: string;
    /** Type-check TypeScript programs as `pulumi preview` does (slower); by default they are only transpiled. */
    typeCheck?: boolean;
    timeoutMs?: number;
}

export class ProgramError extends Error {}

/** The bundled child: next to the CLI bundle, or where `npm run build:cli` writes it when running from source. */
function childScript(): string {
    const candidates = [path.join(__dirname, "program-child.js"), path.resolve(__dirname, "..", "dist", "program-child.js"), path.resolve(process.cwd(), "cli", "dist", "program-child.js")];
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) throw new ProgramError(`tagguard is not built: run \`npm run build\` (looked for ${candidates.join(", ")})`);
    return found;
}

export async function runProgram(opts: ProgramRunOptions): Promise<{ recorded: RecordedProgram; output: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-check-"));
    const recordFile = path.join(dir, "recorded.json");
    const child = spawn(process.execPath, [childScript()], {
        cwd: opts.project.programDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
            ...process.env,
            TAGGUARD_RECORD_FILE: recordFile,
            TAGGUARD_PROGRAM_ENTRY: opts.project.entry,
            TAGGUARD_TYPESCRIPT: String(opts.project.typescript),
            TAGGUARD_TYPECHECK: String(opts.typeCheck ?? false),
            PULUMI_NODEJS_PROJECT: opts.project.name,
            PULUMI_NODEJS_STACK: opts.stack.stack,
            PULUMI_NODEJS_ORGANIZATION: opts.organization,
            PULUMI_NODEJS_DRY_RUN: "true",
            PULUMI_CONFIG: JSON.stringify(opts.stack.config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.stack.secretKeys),
        },
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
    const exit = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.once("exit", (code) => {
            clearTimeout(timer);
            resolve(code);
        });
    });
    try {
        if (!fs.existsSync(recordFile)) {
            throw new ProgramError(`${opts.project.entry}: the program stopped before finishing (exit ${exit ?? "killed after " + timeoutMs + " ms"})${output ? `:\n${output.trim()}` : ""}`);
        }
        const recorded = JSON.parse(fs.readFileSync(recordFile, "utf8")) as RecordedProgram;
        if (recorded.error) {
            const where = programFrame(recorded.error.stack, opts.project.programDir);
            throw new ProgramError(`${where ?? opts.project.entry}: the program failed: ${recorded.error.message}`);
        }
        return { recorded, output };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The first stack frame inside the program's own files, as `file:line:column`. */
function programFrame(stack: string, programDir: string): string | undefined {
    for (const m of stack.matchAll(/\(?((?:\/|[A-Za-z]:\\)[^():\s]+):(\d+):(\d+)\)?/g)) {
        if (m[1].startsWith(programDir) && !m[1].includes(`${path.sep}node_modules${path.sep}`)) return `${path.relative(process.cwd(), m[1]) || m[1]}:${m[2]}:${m[3]}`;
    }
    return undefined;
}
