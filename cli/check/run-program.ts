/**
 * Runs a Pulumi program for a preview exactly as the Node language host does (`execRuntime` in
 * pulumi-language-nodejs): the program's own `@pulumi/pulumi/cmd/run` under `node [nodeargs]`, with the
 * same arguments and environment, connected to tagguard's loopback engine instead of Pulumi's. The
 * SDK's runner then loads the program itself: `main`, package.json `main`/`exports` with Node's
 * fallbacks, TypeScript through ts-node with the program's tsconfig and the compiler options its
 * TypeScript version calls for, ES modules, exported (async) functions, and its own handling of
 * unhandled errors.
 *
 * One difference: TypeScript is transpiled without type-checking unless `typeCheck` is set or the
 * environment already says otherwise (PULUMI_NODEJS_TRANSPILE_ONLY, the SDK's own switch), where
 * `pulumi preview` type-checks unless the tsconfig sets `noCheck`.
 */
import { spawn } from "child_process";
import * as path from "path";
import { visible } from "../../tagset/text";
import { startPreviewEngine } from "../engine/preview-engine";
import { childEnvironment, preloading, runtimeScript } from "../child-environment";
import { killTree, whileRunning } from "../lifecycle";
import { answerRead } from "./aws-mocks";
import { answerInvoke } from "./invoke-answers";
import type { StackConfig } from "./config";
import type { PulumiProject } from "./project";
import type { RecordedProgram } from "./recorded";

export interface ProgramRunOptions {
    project: PulumiProject;
    stack: StackConfig;
    organization: string;
    /** Type-check TypeScript as `pulumi preview` does (slower). */
    typeCheck?: boolean;
    /** The program is stopped after this long. */
    timeoutMs?: number;
    /** Resources registered so far (progress). */
    onProgress?: (registered: number) => void;
    /** Stops the program early (the run has failed for another reason): it then rejects with ProgramStopped. */
    signal?: AbortSignal;
}

export const DEFAULT_PROGRAM_TIMEOUT_MS = 10 * 60_000;

/** The program could not be run, or failed: one line naming the cause and where. */
export class ProgramError extends Error {}

/** The program was stopped through `signal`: the cause is whatever aborted it. */
export class ProgramStopped extends ProgramError {}

/** Output kept from the program's stdout and stderr (the end of it). */
const OUTPUT_KEPT = 64 * 1024;

/** How long the program's output pipes are read after it has exited or been stopped: a process it left behind may hold them open for ever. */
const PIPE_GRACE_MS = 2_000;

/** Where the language host finds the runner: `@pulumi/pulumi/cmd/run` resolved from the program directory (`locateModule`). */
function runnerPath(programDir: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
    } catch {
        throw new ProgramError(`${programDir}: @pulumi/pulumi is not installed for this program (run \`npm install\` there first, as for \`pulumi preview\`)`);
    }
}

/** The first stack frame inside the program's own files, as `file:line:column` relative to the project. */
export function programFrame(text: string, rootDir: string): string | undefined {
    for (const m of text.matchAll(/\(?((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^():\s]+):(\d+):(\d+)\)?/g)) {
        const file = m[1].replace(/^file:\/\//, "");
        if (file.startsWith(rootDir) && !file.includes(`${path.sep}node_modules${path.sep}`)) return `${path.relative(rootDir, file) || file}:${m[2]}:${m[3]}`;
    }
    return undefined;
}

/**
 * The cause of a failed run, from what the SDK logged: an unhandled exception (`Running program '...'
 * failed with an unhandled exception:` then the error and its stack), a RunError (its message), a
 * TypeScript compile error (its first diagnostic); with the program's own frame when there is one.
 */
export function failureLine(logged: string, rootDir: string): { where?: string; cause: string } {
    // The SDK colours parts of its own message (ANSI SGR codes): they are formatting, not content.
    const body = logged.replace(/\x1b\[[0-9;]*m/g, "").replace(/^Running program '[^']*' failed with an unhandled exception:\s*/, "");
    const lines = body.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim());
    const compile = lines.findIndex((l) => /Unable to compile TypeScript/.test(l));
    if (compile >= 0 && lines[compile + 1]) return { cause: `the program does not compile: ${lines[compile + 1].trim()}` };
    const first = lines.find((l) => !/^\s+at /.test(l)) ?? "the program failed";
    // `<ref *1>` marks a circular error object in util.inspect's rendering of it.
    const message = first.replace(/^<ref \*\d+> /, "").replace(/^(Error|RunError|ResourceError)(?: \[[A-Z_]+\])?: /, "");
    // A package (not a relative file) that is missing: the program's dependencies were not installed.
    const missingPackage = /^Cannot find (?:module|package) '(?![./])[^']+'/.test(message);
    // The SDK's hint names `pulumi config set`; here config comes from the stack file or -c.
    const missingConfig = /^Missing required configuration variable '([^']+)'/.exec(message);
    // The SDK runs TypeScript in an ES module package through ts-node's ESM loader, only when it can load `ts-node/esm`.
    const typescriptAsModule = /^(?:TypeError \[ERR_UNKNOWN_FILE_EXTENSION\]: |TypeError: )?Unknown file extension "\.[cm]?ts"/.test(message);
    const hint = missingPackage ? " (run `npm install` in the program's folder first, as for `pulumi preview`)"
        : missingConfig ? ` (set it in the stack's Pulumi.<stack>.yaml, or give it with \`-c ${missingConfig[1]}=VALUE\`)`
        : typescriptAsModule ? " (a TypeScript program in a package of `\"type\": \"module\"` needs ts-node in its dependencies, `npm install --save-dev ts-node`, as for `pulumi preview`)" : "";
    return { where: programFrame(body, rootDir), cause: `the program failed: ${message}${hint}` };
}

export async function runProgram(opts: ProgramRunOptions): Promise<{ recorded: RecordedProgram; output: string }> {
    const { project, stack } = opts;
    const runner = runnerPath(project.programDir);
    const region = stack.config["aws:region"] || stack.config["aws-native:region"] || "us-east-1";
    const engine = await startPreviewEngine({
        project: project.name,
        stack: stack.stack,
        rootDir: project.dir,
        answers: { invoke: (token, args) => answerInvoke(token, args, { region }), read: (type, id, inputs) => answerRead(type, id, inputs, { region }) },
        onRegistration: opts.onProgress,
    });
    const inherited: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_NODEJS_") && k !== "PULUMI_CONFIG" && k !== "PULUMI_CONFIG_SECRET_KEYS"));
    // The language host passes config keys in the legacy `ns:config:name` form; every SDK reads it.
    const config = childEnvironment(inherited, {
        PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(stack.config).map(([k, v]) => [k.replace(/^([^:]+):/, "$1:config:"), v]))),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(stack.secretKeys),
    });
    const { env } = config;
    if (project.runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (project.runtime.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = project.runtime.tsconfig;
    env.PULUMI_NODEJS_TRANSPILE_ONLY = process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? String(!opts.typeCheck);
    const preload = runtimeScript("program-preload.js");
    // NODE_OPTIONS, not argv: the runner looks for --require in process.execArgv to decide on ESM mode.
    if (preload) env.NODE_OPTIONS = preloading(env.NODE_OPTIONS, preload);
    const args = [
        ...project.runtime.nodeargs, runner,
        "--monitor", engine.address, "--engine", engine.address,
        "--organization", opts.organization, "--project", project.name, "--root-directory", project.dir,
        "--stack", stack.stack, "--pwd", project.programDir, "--dry-run", "--parallel", "16",
        project.entryPoint,
    ];
    const child = spawn(process.execPath, args, { cwd: project.programDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const unregister = whileRunning(() => killTree(child.pid));
    let output = "";
    const keep = (d: string): void => {
        output += d;
        if (output.length > 2 * OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT);
    };
    child.stdout.setEncoding("utf8").on("data", keep);
    child.stderr.setEncoding("utf8").on("data", keep);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS;
    let timedOut = false;
    let stopped = false;
    const stop = (): void => {
        stopped = true;
        killTree(child.pid);
    };
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener("abort", stop);
    type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
    const exit = await new Promise<Exit>((resolve) => {
        let exited: Exit | undefined;
        let grace: NodeJS.Timeout | undefined;
        const finish = (result: Exit): void => {
            clearTimeout(timer);
            clearTimeout(grace);
            resolve(result);
        };
        // After the deadline, or once the program has exited, its pipes are read only a little longer: a
        // process it left behind (outside its process group, or not yet ended) may hold them open for ever.
        const endSoon = (): void => {
            grace ??= setTimeout(() => {
                killTree(child.pid);
                finish(exited ?? { code: null, signal: "SIGKILL" });
            }, PIPE_GRACE_MS);
        };
        const timer = setTimeout(() => {
            timedOut = true;
            killTree(child.pid);
            endSoon();
        }, timeoutMs);
        child.once("error", (error) => finish({ code: null, signal: null, error }));
        child.once("exit", (code, signal) => {
            exited = { code, signal };
            endSoon();
        });
        child.once("close", (code, signal) => finish({ code, signal }));
    });
    child.stdout.destroy();
    child.stderr.destroy();
    opts.signal?.removeEventListener("abort", stop);
    unregister();
    config.release();
    const recorded = engine.recorded();
    await engine.close();
    output = output.slice(-OUTPUT_KEPT);
    const where = path.relative(process.cwd(), project.programDir) || ".";
    if (stopped) throw new ProgramStopped(`${where}: the program was stopped`);
    if (timedOut) throw new ProgramError(`${where}: the program did not finish within ${Math.round(timeoutMs / 1000)} s (--timeout); ${recorded.resources.length} resources were registered before it was stopped`);
    if (exit.error) throw new ProgramError(`${where}: the program could not be started: ${exit.error.message}`);
    const errors = (recorded.logs ?? []).filter((l) => l.severity === "error");
    if (exit.code !== 0 || errors.length) {
        const crash = crashError(output);
        const failure = errors.length ? failureLine(errors[0].message, project.dir)
            : crash ? failureLine(crash, project.dir)
            : { cause: exit.signal ? `the program was killed by ${exit.signal}` : `the program exited with code ${exit.code}${lastLine(output) ? ` (${lastLine(output)})` : ""}` };
        let cause = failure.cause;
        if (recorded.unmockedCalls.length) {
            const tokens = recorded.unmockedCalls.map((c) => c.token).join(", ");
            cause += ` [data source${recorded.unmockedCalls.length > 1 ? "s" : ""} ${tokens} ${recorded.unmockedCalls.length > 1 ? "have" : "has"} no tagguard mock and answered empty: probably the cause]`;
        }
        const location = failure.where ? path.join(path.relative(process.cwd(), project.dir), failure.where) : where;
        throw new ProgramError(`${visible(location, { max: 300 })}: ${visible(cause, { max: 600 })}`);
    }
    return { recorded, output };
}

/**
 * The error Node.js printed when the process died before the SDK could log one (a loader in `nodeargs`
 * that is not installed, a syntax error in an ES module): its last `Error: ...` line and what follows it.
 */
export function crashError(output: string): string | undefined {
    const lines = output.split("\n");
    // The last one: Node prints the fatal error at the end, after whatever the program logged itself.
    for (let start = lines.length - 1; start >= 0; start--) {
        if (/^(?:[A-Z]\w*)?Error(?: \[[A-Z_]+\])?: \S/.test(lines[start])) return lines.slice(start).join("\n");
    }
    return undefined;
}

function lastLine(text: string): string | undefined {
    const line = text.trim().split("\n").filter((l) => l.trim()).pop();
    return line ? visible(line.trim(), { max: 200 }) : undefined;
}
