/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` with preview semantics and records every
 * registration as the engine would receive it. Runs in its own process (started by `run-program.ts`),
 * so a program that exits, hangs or pollutes globals cannot take the CLI with it.
 *
 * Input: environment (see `ChildEnvironment`). Output: a JSON `RecordedProgram` written to
 * TAGGUARD_RECORD_FILE.
 */
import * as fs from "fs";
import * as path from "path";
import { createRecorder, type PulumiModule } from "./recording-monitor";

const env = (name: string): string => {
    const v = process.env[name];
    if (v === undefined) throw new Error(`${name} is not set`);
    return v;
};

const recordFile = env("TAGGUARD_RECORD_FILE");
const entry = env("TAGGUARD_PROGRAM_ENTRY");
const programDir = path.dirname(entry);
const project = env("PULUMI_NODEJS_PROJECT");
const stack = env("PULUMI_NODEJS_STACK");
const organization = process.env.PULUMI_NODEJS_ORGANIZATION || "organization";
const config = JSON.parse(process.env.PULUMI_CONFIG || "{}") as Record<string, string>;
const region = config["aws:region"] || "us-east-1";

const recorder = createRecorder(region);
const fail = recorder.fail;

function write(): void {
    fs.writeFileSync(recordFile, JSON.stringify(recorder.result()));
}

function registerTypeScript(): void {
    if (process.env.TAGGUARD_TYPESCRIPT !== "true") return;
    // As the Node language host does: ts-node with the program's tsconfig.json when there is one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsNode = require(require.resolve("ts-node", { paths: [programDir, __dirname] })) as { register(opts: object): void };
    const tsconfig = path.join(programDir, "tsconfig.json");
    tsNode.register({
        transpileOnly: process.env.TAGGUARD_TYPECHECK !== "true",
        project: fs.existsSync(tsconfig) ? tsconfig : undefined,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: { target: "ES2020", module: "commonjs", moduleResolution: "node", sourceMap: true },
    });
}

/**
 * The Pulumi runtime records a stack trace on every internal promise (`debuggablePromise`, read only to
 * report leaked promises), and source-map support maps every frame of each one: most of a large
 * program's run time. Those traces are left unformatted; in others, frames outside the program's own
 * files (the SDK, the provider) are printed as V8 prints them, and the program's frames are still mapped
 * back to its TypeScript source, so errors point at the right line.
 */
function mapOnlyProgramFrames(): void {
    let wrapCallSite: ((frame: NodeJS.CallSite) => NodeJS.CallSite) | undefined;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        wrapCallSite = (require(require.resolve("@cspotcode/source-map-support", { paths: [path.dirname(require.resolve("ts-node", { paths: [programDir, __dirname] }))] })) as { wrapCallSite: typeof wrapCallSite }).wrapCallSite;
    } catch {
        return;
    }
    if (!wrapCallSite) return;
    const isProgramFile = (file: string | null | undefined): boolean => !!file && file.startsWith(programDir) && !file.includes(`${path.sep}node_modules${path.sep}`);
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
        if (frames[0]?.getFunctionName() === "debuggablePromise") return "(stack not recorded by tagguard check)";
        return `${String(error)}${frames.map((f) => `\n    at ${isProgramFile(f.getFileName()) ? wrapCallSite!(f) : f}`).join("")}`;
    };
}

async function main(): Promise<void> {
    process.chdir(programDir);
    // The program's own @pulumi/pulumi: the one its resources register through.
    const pulumiPath = require.resolve("@pulumi/pulumi", { paths: [programDir] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require(pulumiPath) as PulumiModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require(path.join(path.dirname(pulumiPath), "runtime", "settings")) as { disconnect(): Promise<void> };
    await pulumi.runtime.setMocks(recorder.mocks, project, stack, true, organization);
    recorder.install(pulumiPath);
    registerTypeScript();
    mapOnlyProgramFrames();
    process.on("unhandledRejection", fail);
    process.on("uncaughtException", fail);
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const program = require(entry) as unknown;
            // A program may export a (possibly async) function, as `pulumi up` supports.
            const main = typeof program === "function" ? program : (program as { default?: unknown })?.default;
            return typeof main === "function" ? await (main as () => unknown)() : program;
        });
        await settings.disconnect();
    } catch (e) {
        fail(e);
    }
}

main().then(write, (e) => {
    fail(e);
    write();
});
