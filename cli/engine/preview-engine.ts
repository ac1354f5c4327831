/**
 * A loopback Pulumi engine for previews: the ResourceMonitor and Engine gRPC services that a program's
 * own `@pulumi/pulumi` talks to when the Node language host runs it (`cmd/run --monitor --engine`).
 * It answers as the engine answers during `pulumi preview` and records every registration as the
 * engine receives it. Behaviour follows `pkg/resource/deploy/source_eval.go` (resmon):
 * - URNs from the stack, project, parent type chain and name; duplicate URNs fail the registration;
 * - transforms run as the engine runs them: the resource's own, then each ancestor's, then the stack's,
 *   by calling back into the program's callback server;
 * - providers resolve from the request, then its `providers` map, then the parent component's map;
 * - creates answer with their inputs and no ID (computed outputs unknown), local components with no
 *   outputs, remote (multi-language) components with no outputs: their children are built by a
 *   provider plugin, which cannot run offline;
 * - data sources and reads are answered by the caller's hooks.
 */
import * as grpc from "@grpc/grpc-js";
import * as path from "path";
import { fileURLToPath } from "url";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as callbackRpc from "@pulumi/pulumi/proto/callback_grpc_pb";
import * as callbackPb from "@pulumi/pulumi/proto/callback_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import type * as sourcePb from "@pulumi/pulumi/proto/source_pb";
import { SECRET_SIG_KEY, UNKNOWN_VALUE, isUnknown } from "../../tagset/values";
import type { EngineLog, RecordedProgram, RecordedResource, SourceLocation } from "../check/recorded";
import { OUTPUT_VALUE_SIG, analyzerProperties } from "./wire";

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
const PROVIDER_PREFIX = "pulumi:providers:";
const GET_RESOURCE = "pulumi:pulumi:getResource";

/** The features `pulumi preview` reports (`SupportsFeature`); output values are not used, so the SDK sends plain values. */
const SUPPORTED_FEATURES: ReadonlySet<string> = new Set([
    "secrets", "resourceReferences", "deletedWith", "replaceWith", "aliasSpecs", "transforms", "invokeTransforms", "parameterization", "resourceHooks", "errorHooks",
]);

/** What the caller answers for: data sources and reads of existing resources. */
export interface PreviewAnswers {
    /** A data source's result; undefined when there is none (the engine answers empty, and it is recorded). */
    invoke(token: string, args: Record<string, unknown>): Record<string, unknown> | undefined;
    /** The state of an existing resource read with `X.get(name, id)`. */
    read(type: string, id: string, inputs: Record<string, unknown>): Record<string, unknown>;
}

export interface PreviewEngineOptions {
    project: string;
    stack: string;
    /** The project directory: recorded source locations are relative to it. */
    rootDir: string;
    answers: PreviewAnswers;
    /** Called after each registration (progress). */
    onRegistration?: (count: number) => void;
}

export interface PreviewEngine {
    /** `127.0.0.1:<port>`, for `--monitor` and `--engine`. */
    address: string;
    /** What was registered so far. */
    recorded(): RecordedProgram;
    close(): Promise<void>;
}

type Callback = { target: string; token: string };
type Props = Record<string, unknown>;

const severityName = (s: enginePb.LogSeverity): EngineLog["severity"] =>
    s === enginePb.LogSeverity.ERROR ? "error" : s === enginePb.LogSeverity.WARNING ? "warning" : s === enginePb.LogSeverity.INFO ? "info" : "debug";

/** The qualified type (`parent$child`) a resource's URN carries: children of the stack have none. */
function qualifiedType(type: string, parentUrn: string | undefined): string {
    if (!parentUrn) return type;
    const parentQualified = parentUrn.split("::")[2] ?? "";
    return parentQualified && parentQualified.split("$").pop() !== ROOT_STACK_TYPE ? `${parentQualified}$${type}` : type;
}

const toJs = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props): Struct => Struct.fromJavaScript(p as Parameters<typeof Struct.fromJavaScript>[0]);

/** Property dependencies carried by output values in transformed properties (the engine rebuilds them from these). */
function outputDependencies(value: unknown, into: Set<string>): void {
    if (Array.isArray(value)) for (const v of value) outputDependencies(v, into);
    else if (typeof value === "object" && value !== null) {
        const obj = value as Props;
        if (obj[SECRET_SIG_KEY] === OUTPUT_VALUE_SIG && Array.isArray(obj.dependencies)) {
            for (const d of obj.dependencies) if (typeof d === "string") into.add(d);
        }
        for (const v of Object.values(obj)) outputDependencies(v, into);
    }
}

class ServiceError extends Error {
    constructor(readonly code: grpc.status, message: string) {
        super(message);
    }
}

/** Answers a unary call from an async handler; a thrown error becomes a gRPC error the SDK reports. */
function unary<Req, Res>(handler: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
        Promise.resolve()
            .then(() => handler(call.request))
            .then((res) => callback(null, res), (e: unknown) => callback({ code: e instanceof ServiceError ? e.code : grpc.status.UNKNOWN, details: e instanceof Error ? e.message : String(e) }));
    };
}

export async function startPreviewEngine(opts: PreviewEngineOptions): Promise<PreviewEngine> {
    const resources: RecordedResource[] = [];
    const byUrn = new Map<string, RecordedResource>();
    const logs: EngineLog[] = [];
    const offlineGaps: string[] = [];
    const unmocked = new Map<string, number>();
    let rootUrn = "";
    const stackTransforms: Callback[] = [];
    const stackInvokeTransforms: Callback[] = [];
    const ownTransforms = new Map<string, Callback[]>();
    const parents = new Map<string, string>();
    const componentProviders = new Map<string, Map<string, string>>();
    let packageRefs = 0;

    const callbackClients = new Map<string, callbackRpc.CallbacksClient>();
    const invokeCallback = (cb: Callback, request: Uint8Array): Promise<Uint8Array> => {
        let client = callbackClients.get(cb.target);
        if (!client) callbackClients.set(cb.target, (client = new callbackRpc.CallbacksClient(cb.target, grpc.credentials.createInsecure())));
        const req = new callbackPb.CallbackInvokeRequest();
        req.setToken(cb.token);
        req.setRequest(request);
        return new Promise((resolve, reject) => client!.invoke(req, (err, res) => (err ? reject(err) : resolve(res.getResponse_asU8()))));
    };
    const callbackOf = (c: { getTarget(): string; getToken(): string }): Callback => ({ target: c.getTarget(), token: c.getToken() });

    /** Frames in the project's own files, innermost first. */
    function projectFrames(trace: sourcePb.StackTrace | undefined, position: sourcePb.SourcePosition | undefined): SourceLocation[] | undefined {
        const positions = trace?.getFramesList().map((f) => f.getPc()).filter((p): p is sourcePb.SourcePosition => p !== undefined) ?? (position ? [position] : []);
        const frames: SourceLocation[] = [];
        for (const p of positions) {
            let file: string;
            try {
                file = fileURLToPath(p.getUri());
            } catch {
                continue;
            }
            const relative = path.relative(opts.rootDir, file);
            if (relative.startsWith("..") || path.isAbsolute(relative) || relative.split(path.sep).includes("node_modules")) continue;
            frames.push({ file: relative.split(path.sep).join("/"), line: p.getLine(), column: p.getColumn() });
        }
        return frames.length ? frames : undefined;
    }

    /** The resource's own transforms, its ancestors', then the stack's, as the engine runs them. */
    async function transform(req: resourcePb.RegisterResourceRequest, parent: string | undefined): Promise<{ props: Props; options: resourcePb.TransformResourceOptions; ran: boolean }> {
        const options = new resourcePb.TransformResourceOptions();
        options.setDependsOnList(req.getDependenciesList());
        if (req.hasProtect()) options.setProtect(req.getProtect() ?? false);
        options.setIgnoreChangesList(req.getIgnorechangesList());
        options.setReplaceOnChangesList(req.getReplaceonchangesList());
        options.setVersion(req.getVersion());
        options.setProvider(req.getProvider());
        req.getProvidersMap().forEach((v, k) => options.getProvidersMap().set(k, v));
        options.setPluginDownloadUrl(req.getPlugindownloadurl());
        options.setDeletedWith(req.getDeletedwith());
        if (req.getDeletebeforereplacedefined() || req.getDeletebeforereplace()) options.setDeleteBeforeReplace(req.getDeletebeforereplace());
        options.setAdditionalSecretOutputsList(req.getAdditionalsecretoutputsList());
        const transforms = req.getTransformsList().map(callbackOf);
        for (let p = parent; p; p = parents.get(p)) transforms.push(...(ownTransforms.get(p) ?? []));
        transforms.push(...stackTransforms);
        let object = req.getObject() ?? new Struct();
        let current = options;
        for (const cb of transforms) {
            const tr = new resourcePb.TransformRequest();
            tr.setType(req.getType());
            tr.setName(req.getName());
            tr.setCustom(req.getCustom());
            tr.setParent(parent ?? "");
            tr.setProperties(object);
            tr.setOptions(current);
            const res = resourcePb.TransformResponse.deserializeBinary(await invokeCallback(cb, tr.serializeBinary()));
            if (res.hasProperties()) object = res.getProperties()!;
            if (res.hasOptions()) current = res.getOptions()!;
        }
        return { props: toJs(object), options: current, ran: transforms.length > 0 };
    }

    function resolveProvider(provider: string, providers: Map<string, string>, parent: string | undefined, pkg: string): string {
        if (provider) return provider;
        const own = providers.get(pkg);
        if (own) return own;
        return (parent && componentProviders.get(parent)?.get(pkg)) || "";
    }

    async function registerResource(req: resourcePb.RegisterResourceRequest): Promise<resourcePb.RegisterResourceResponse> {
        const type = req.getType();
        const name = req.getName();
        const custom = req.getCustom();
        const remote = req.getRemote();
        const parent = req.getParent() || (type === ROOT_STACK_TYPE ? undefined : rootUrn || undefined);
        const urn = `urn:pulumi:${opts.stack}::${opts.project}::${qualifiedType(type, parent)}::${name}`;
        if (byUrn.has(urn)) throw new ServiceError(grpc.status.INVALID_ARGUMENT, `Duplicate resource URN '${urn}'; try giving it a unique name`);
        const { props, options, ran } = await transform(req, parent);
        const providers = new Map<string, string>();
        options.getProvidersMap().forEach((v, k) => providers.set(k, v));
        const pkg = type.split(":")[0];
        const providerRef = (custom && !type.startsWith(PROVIDER_PREFIX)) || remote ? resolveProvider(options.getProvider(), providers, parent, pkg) : "";
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => { propertyDependencies[k] = v.getUrnsList(); });
        const dependencies = new Set(options.getDependsOnList());
        if (ran) {
            for (const [key, value] of Object.entries(props)) {
                const deps = new Set(propertyDependencies[key] ?? []);
                outputDependencies(value, deps);
                propertyDependencies[key] = [...deps];
                for (const d of deps) dependencies.add(d);
            }
        }
        const resource: RecordedResource = {
            type, name, urn, custom, parent, providerRef: providerRef || undefined, inputs: props, outputs: {},
            dependencies: [...dependencies], propertyDependencies,
            options: {
                protect: options.hasProtect() ? options.getProtect() : undefined,
                ignoreChanges: options.getIgnoreChangesList(),
                additionalSecretOutputs: options.getAdditionalSecretOutputsList(),
                deleteBeforeReplace: options.hasDeleteBeforeReplace() ? options.getDeleteBeforeReplace() : undefined,
            },
            stack: projectFrames(req.getStacktrace(), req.getSourceposition()),
        };
        if (remote) resource.remote = true;
        // A create answers with its inputs as the provider received them (references downgraded, computed
        // outputs unknown); components, local or remote, with none.
        resource.outputs = custom ? analyzerProperties(props, { skipInternalKeys: false }) : {};
        resources.push(resource);
        byUrn.set(urn, resource);
        if (type === ROOT_STACK_TYPE && !rootUrn) rootUrn = urn;
        if (parent) parents.set(urn, parent);
        ownTransforms.set(urn, req.getTransformsList().map(callbackOf));
        if (!custom) {
            const inherited = new Map(parent ? componentProviders.get(parent) ?? [] : []);
            for (const [k, v] of providers) inherited.set(k, v);
            componentProviders.set(urn, inherited);
        }
        opts.onRegistration?.(resources.length);

        const res = new resourcePb.RegisterResourceResponse();
        res.setUrn(urn);
        res.setId(custom && req.getImportid() ? req.getImportid() : "");
        let outputs = resource.outputs;
        if (!req.getSupportspartialvalues()) outputs = Object.fromEntries(Object.entries(outputs).filter(([, v]) => !containsUnknowns(v)));
        res.setObject(toStruct(outputs));
        const deps = res.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(propertyDependencies)) {
            const d = new resourcePb.RegisterResourceResponse.PropertyDependencies();
            d.setUrnsList(urns);
            deps.set(k, d);
        }
        return res;
    }

    function readResource(req: resourcePb.ReadResourceRequest): resourcePb.ReadResourceResponse {
        const type = req.getType();
        const name = req.getName();
        const parent = req.getParent() || rootUrn || undefined;
        const urn = `urn:pulumi:${opts.stack}::${opts.project}::${qualifiedType(type, parent)}::${name}`;
        const inputs = toJs(req.getProperties());
        let outputs: Props;
        if (type === STACK_REFERENCE_TYPE) {
            // Another stack's outputs need its state: offline they are unknown, as for a preview of a stack not yet deployed.
            offlineGaps.push(`stack reference ${JSON.stringify(req.getId())}: its outputs cannot be read offline and are unknown`);
            outputs = { name: req.getId(), outputs: UNKNOWN_VALUE, secretOutputNames: UNKNOWN_VALUE };
        } else {
            outputs = opts.answers.read(type, req.getId(), inputs);
        }
        const resource: RecordedResource = {
            type, name, urn, custom: true, parent, providerRef: req.getProvider() || undefined, inputs, outputs,
            dependencies: req.getDependenciesList(), propertyDependencies: {}, options: {}, read: true,
            stack: projectFrames(req.getStacktrace(), req.getSourceposition()),
        };
        resources.push(resource);
        byUrn.set(urn, resource);
        if (parent) parents.set(urn, parent);
        opts.onRegistration?.(resources.length);
        const res = new resourcePb.ReadResourceResponse();
        res.setUrn(urn);
        res.setProperties(toStruct(outputs));
        return res;
    }

    async function invoke(req: resourcePb.ResourceInvokeRequest): Promise<resourcePb.ResourceInvokeResponse> {
        let args = req.getArgs() ?? new Struct();
        const token = req.getTok();
        for (const cb of stackInvokeTransforms) {
            const tr = new resourcePb.TransformInvokeRequest();
            tr.setToken(token);
            tr.setArgs(args);
            const res = resourcePb.TransformInvokeResponse.deserializeBinary(await invokeCallback(cb, tr.serializeBinary()));
            if (res.hasArgs()) args = res.getArgs()!;
        }
        let answer = token === GET_RESOURCE ? getResource(toJs(args)) : opts.answers.invoke(token, toJs(args));
        if (!answer) {
            unmocked.set(token, (unmocked.get(token) ?? 0) + 1);
            answer = {};
        }
        const res = new resourcePb.ResourceInvokeResponse();
        res.setReturn(toStruct(answer));
        return res;
    }

    /** The engine's builtin behind `opts.urn`: a registered resource's URN, ID and state. */
    function getResource(args: Props): Props | undefined {
        const found = typeof args.urn === "string" ? byUrn.get(args.urn) : undefined;
        return found ? { urn: found.urn, id: found.read ? String(found.outputs.id ?? "") : "", state: found.outputs } : undefined;
    }

    const monitor: Partial<resourceRpc.IResourceMonitorServer> = {
        supportsFeature: unary((req: resourcePb.SupportsFeatureRequest) => {
            const res = new resourcePb.SupportsFeatureResponse();
            res.setHassupport(SUPPORTED_FEATURES.has(req.getId()));
            return res;
        }),
        registerResource: unary(registerResource),
        readResource: unary(readResource),
        invoke: unary(invoke),
        call: unary((req: resourcePb.ResourceCallRequest) => {
            offlineGaps.push(`method ${req.getTok()} of a remote component cannot run offline: it answered nothing`);
            const res = new providerPb.CallResponse();
            res.setReturn(new Struct());
            return res;
        }),
        registerResourceOutputs: unary(() => new Empty()),
        registerStackTransform: unary((cb: callbackPb.Callback) => {
            stackTransforms.push(callbackOf(cb));
            return new Empty();
        }),
        registerStackInvokeTransform: unary((cb: callbackPb.Callback) => {
            stackInvokeTransforms.push(callbackOf(cb));
            return new Empty();
        }),
        registerResourceHook: unary(() => new Empty()),
        registerErrorHook: unary(() => new Empty()),
        registerPackage: unary(() => {
            const res = new resourcePb.RegisterPackageResponse();
            res.setRef(`package-${++packageRefs}`);
            return res;
        }),
        signalAndWaitForShutdown: unary(() => new Empty()),
    };
    const engine: Partial<engineRpc.IEngineServer> = {
        log: unary((req: enginePb.LogRequest) => {
            logs.push({ severity: severityName(req.getSeverity()), message: req.getMessage(), urn: req.getUrn() || undefined });
            return new Empty();
        }),
        getRootResource: unary(() => {
            const res = new enginePb.GetRootResourceResponse();
            res.setUrn(rootUrn);
            return res;
        }),
        setRootResource: unary((req: enginePb.SetRootResourceRequest) => {
            rootUrn = req.getUrn();
            return new enginePb.SetRootResourceResponse();
        }),
    };

    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
    server.addService(resourceRpc.ResourceMonitorService, monitor as resourceRpc.IResourceMonitorServer);
    server.addService(engineRpc.EngineService, engine as engineRpc.IEngineServer);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));

    return {
        address: `127.0.0.1:${port}`,
        recorded: () => ({
            resources,
            unmockedCalls: [...unmocked].map(([token, count]) => ({ token, count })).sort((a, b) => a.token.localeCompare(b.token)),
            logs,
            offlineGaps: [...new Set(offlineGaps)],
        }),
        close: () => new Promise<void>((resolve) => {
            for (const c of callbackClients.values()) c.close();
            server.tryShutdown(() => resolve());
            // A program that died mid-call leaves streams open: do not wait for them.
            setTimeout(() => {
                server.forceShutdown();
                resolve();
            }, 2000).unref();
        }),
    };
}

function containsUnknowns(v: unknown): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(containsUnknowns);
    if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknowns);
    return false;
}
