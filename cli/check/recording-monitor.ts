/**
 * Records what a Pulumi program registers under `pulumi.runtime.setMocks`, as the engine would receive
 * it: mocks with preview semantics and the AWS data-source answers, stack transforms applied as the
 * engine applies them, and each registration's request in wire form. Used by `tagguard check`'s program
 * process and by the component tests, which run programs in-process.
 */
import * as path from "path";
import { answerInvoke } from "./invoke-answers";
import type { RecordedProgram, RecordedResource } from "./recorded";

export interface PulumiModule {
    runtime: {
        setMocks(mocks: object, project: string, stack: string, preview: boolean, organization?: string): Promise<void>;
        runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
    };
}

interface ProtoStruct { toJavaScript(): Record<string, unknown> }
interface RegisterRequest {
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getProvider(): string;
    getObject(): ProtoStruct | undefined; setObject(s: ProtoStruct): void; getDependenciesList(): string[];
    getTransformsList(): { getToken(): string }[];
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
    transformCallbacks?: Map<string, Transform>;
}
type Transform = (args: { type: string; name: string; custom: boolean; props: Record<string, unknown>; opts: Record<string, unknown> }) =>
    Promise<{ props?: Record<string, unknown> } | undefined> | { props?: Record<string, unknown> } | undefined;
interface Rpc {
    deserializeProperties(struct: ProtoStruct, keepUnknowns?: boolean): Record<string, unknown>;
    serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
}
interface StructModule { Struct: { fromJavaScript(v: Record<string, unknown>): ProtoStruct } }

export interface ProgramRecorder {
    /** Pass to `pulumi.runtime.setMocks`. */
    mocks: object;
    /** Wraps the mock monitor of the `@pulumi/pulumi` at `pulumiPath`; call right after `setMocks`. */
    install(pulumiPath: string): void;
    /** Records the program's first error. */
    fail(e: unknown): void;
    /** What was registered so far. */
    result(): RecordedProgram;
}

export function createRecorder(region: string): ProgramRecorder {
    const recorded: RecordedProgram = { resources: [], unmockedCalls: [], error: undefined };
    const unmocked = new Map<string, number>();
    function fail(e: unknown): void {
        if (recorded.error) return;
        const err = e instanceof Error ? e : new Error(String(e));
        recorded.error = { message: err.message, stack: err.stack ?? "" };
    }
    /** Stack transforms (`registerResourceTransform`): the engine runs them on every registration; the mock monitor only hands them over. */
    const stackTransforms: Transform[] = [];

    const mocks = {
        registerTransform(transform: Transform): void {
            stackTransforms.push(transform);
        },
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
            const answer = answerInvoke(args.token, args.inputs, { region });
            if (answer) return answer;
            unmocked.set(args.token, (unmocked.get(args.token) ?? 0) + 1);
            return {};
        },
    };

    /**
     * Runs the resource's own transforms, then the stack transforms, on its inputs, as the engine does
     * before registering it; returns the request with the transformed inputs.
     */
    async function applyTransforms(monitor: Monitor, req: RegisterRequest, rpc: Rpc, struct: StructModule): Promise<void> {
        const own = req.getTransformsList().map((t) => monitor.transformCallbacks?.get(t.getToken())).filter((t): t is Transform => t !== undefined);
        const transforms = [...own, ...stackTransforms];
        const object = req.getObject();
        if (!transforms.length || !object) return;
        let props = rpc.deserializeProperties(object, true);
        for (const transform of transforms) {
            const result = await transform({ type: req.getType(), name: req.getName(), custom: req.getCustom(), props, opts: {} });
            if (result?.props) props = result.props;
        }
        req.setObject(struct.Struct.fromJavaScript(await rpc.serializeProperties(`transformed ${req.getName()}`, props)));
    }

    function wrapMonitor(monitor: Monitor, rpc: Rpc, struct: StructModule): void {
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = async (req, cb) => {
            const resource: RecordedResource = {
                type: req.getType(), name: req.getName(), urn: "", custom: req.getCustom(), parent: req.getParent() || undefined,
                providerRef: req.getProvider() || undefined, inputs: {}, outputs: {}, dependencies: req.getDependenciesList(), propertyDependencies: {},
                options: {
                    protect: req.getProtect(), ignoreChanges: req.getIgnorechangesList(), additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
                },
            };
            recorded.resources.push(resource); // registration order, as the engine sees it
            req.getPropertydependenciesMap().forEach((v, k) => { resource.propertyDependencies[k] = v.getUrnsList(); });
            try {
                await applyTransforms(monitor, req, rpc, struct);
            } catch (e) {
                fail(e);
            }
            resource.inputs = req.getObject()?.toJavaScript() ?? {};
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

    return {
        mocks,
        install(pulumiPath) {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const settings = require(path.join(path.dirname(pulumiPath), "runtime", "settings")) as { getMonitor(): Monitor };
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const rpc = require(path.join(path.dirname(pulumiPath), "runtime", "rpc")) as Rpc;
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const struct = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(pulumiPath)] })) as StructModule;
            wrapMonitor(settings.getMonitor(), rpc, struct);
        },
        fail,
        result() {
            recorded.unmockedCalls = [...unmocked].map(([token, count]) => ({ token, count })).sort((a, b) => a.token.localeCompare(b.token));
            return recorded;
        },
    };
}
