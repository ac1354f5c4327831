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
import { answerDataSource } from "./aws-mocks";
import type { RecordedProgram, RecordedResource } from "./recorded";

interface PulumiModule {
    runtime: {
        setMocks(mocks: object, project: string, stack: string, preview: boolean, organization?: string): Promise<void>;
        runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
    };
}

interface ProtoStruct { toJavaScript(): Record<string, unknown> }
interface RegisterRequest {
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getProvider(): string;
    getObject(): ProtoStruct | undefined; getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
    getProtect(): boolean; getIgnorechangesList(): string[]; getAdditionalsecretoutputsList(): string[];
    getDeletebeforereplace(): boolean; getDeletebeforereplacedefined(): boolean;
}
interface ReadRequest { getType(): string; getName(): string; getParent(): string; getProvider(): string; getId(): string; getProperties(): ProtoStruct | undefined; getDependenciesList(): string[] }
interface Response { getUrn(): string; getObject?(): ProtoStruct | undefined; getProperties?(): ProtoStruct | undefined }
type Callback = (err: Error | null, resp?: Response) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
    readResource(req: ReadRequest, cb: Callback): Promise<void>;
}

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

const recorded: RecordedProgram = { resources: [], unmockedCalls: [], error: undefined };
const unmocked = new Map<string, number>();

function write(): void {
    recorded.unmockedCalls = [...unmocked].map(([token, count]) => ({ token, count })).sort((a, b) => a.token.localeCompare(b.token));
    fs.writeFileSync(recordFile, JSON.stringify(recorded));
}

function fail(e: unknown): void {
    if (recorded.error) return;
    const err = e instanceof Error ? e : new Error(String(e));
    recorded.error = { message: err.message, stack: err.stack ?? "" };
}

const mocks = {
    newResource(args: { type: string; name: string; inputs: Record<string, unknown>; id?: string; custom?: boolean }): { id: string | undefined; state: Record<string, unknown> } {
        if (args.id) {
            // A read (`X.get`): the resource exists, so its id and ARN are known.
            const service = args.type.split(":")[1]?.split("/")[0] ?? "resource";
            return { id: args.id, state: { ...args.inputs, id: args.id, arn: `arn:aws:${service}:${region}:123456789012:${args.id}` } };
        }
        // Preview of a create: the inputs are known, computed outputs (id, ARN, ...) are not.
        return { id: undefined, state: { ...args.inputs } };
    },
    call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown> {
        const answer = answerDataSource(args.token, args.inputs, { region });
        if (answer) return answer;
        unmocked.set(args.token, (unmocked.get(args.token) ?? 0) + 1);
        return {};
    },
};

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

function wrapMonitor(monitor: Monitor): void {
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const deps: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => { deps[k] = v.getUrnsList(); });
        const resource: RecordedResource = {
            type: req.getType(), name: req.getName(), urn: "", custom: req.getCustom(), parent: req.getParent() || undefined,
            providerRef: req.getProvider() || undefined, inputs: req.getObject()?.toJavaScript() ?? {}, outputs: {},
            dependencies: req.getDependenciesList(), propertyDependencies: deps,
            options: {
                protect: req.getProtect(), ignoreChanges: req.getIgnorechangesList(), additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
            },
        };
        recorded.resources.push(resource); // registration order, as the engine sees it
        return register(req, (err, resp) => {
            if (!err && resp) {
                resource.urn = resp.getUrn();
                resource.outputs = resp.getObject?.()?.toJavaScript() ?? {};
            }
            cb(err, resp);
        });
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
        const resource: RecordedResource = {
            type: req.getType(), name: req.getName(), urn: "", custom: true, parent: req.getParent() || undefined, providerRef: req.getProvider() || undefined,
            inputs: req.getProperties()?.toJavaScript() ?? {}, outputs: {}, dependencies: req.getDependenciesList(), propertyDependencies: {}, options: {}, read: true,
        };
        recorded.resources.push(resource);
        return read(req, (err, resp) => {
            if (!err && resp) {
                resource.urn = resp.getUrn();
                resource.outputs = resp.getProperties?.()?.toJavaScript() ?? {};
            }
            cb(err, resp);
        });
    };
}

async function main(): Promise<void> {
    process.chdir(programDir);
    // The program's own @pulumi/pulumi: the one its resources register through.
    const pulumiPath = require.resolve("@pulumi/pulumi", { paths: [programDir] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require(pulumiPath) as PulumiModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require(path.join(path.dirname(pulumiPath), "runtime", "settings")) as { getMonitor(): Monitor; disconnect(): Promise<void> };
    await pulumi.runtime.setMocks(mocks, project, stack, true, organization);
    wrapMonitor(settings.getMonitor());
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
