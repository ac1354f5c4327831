/**
 * A client of the Analyzer gRPC service that speaks to a policy pack the way the Pulumi engine does:
 * ConfigureStack, GetAnalyzerInfo, Configure, then Remediate and Analyze per resource in registration
 * order, then AnalyzeStack with every resource's outputs.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type { StackIdentity } from "./policy-pack-process";

export type EnforcementLevelName = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVEL_TO_PROTO: Record<EnforcementLevelName, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
    disabled: analyzer.EnforcementLevel.DISABLED,
};
const PROTO_TO_LEVEL = new Map(Object.entries(LEVEL_TO_PROTO).map(([k, v]) => [v, k as EnforcementLevelName]));

export const levelName = (level: analyzer.EnforcementLevel): EnforcementLevelName => PROTO_TO_LEVEL.get(level) ?? "advisory";

/** Props on the wire: plain JSON where secrets are `{ <sig>: <secret sig>, value }` and unknowns sentinel strings. */
export type WireProps = Record<string, unknown>;

export interface ResourceOptions {
    parent?: string;
    protect?: boolean;
    ignoreChanges?: string[];
    aliases?: string[];
    additionalSecretOutputs?: string[];
    deleteBeforeReplace?: boolean;
}

export interface ProviderRef {
    type: string;
    urn: string;
    name: string;
    props: WireProps;
}

/** One resource as the engine describes it to an analyzer. */
export interface AnalyzedResource {
    type: string;
    urn: string;
    name: string;
    /** Inputs after the provider's Check (Analyze, Remediate). */
    inputs: WireProps;
    /** Outputs (AnalyzeStack). */
    outputs: WireProps;
    options?: ResourceOptions;
    provider?: ProviderRef;
    dependencies?: readonly string[];
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevelName;
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
    initialConfig: Record<string, { enforcementLevel?: EnforcementLevelName; properties?: Record<string, unknown> }>;
}

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevelName;
    urn: string;
}

export interface NotApplicable {
    policyName: string;
    reason: string;
}

export interface AnalyzeResult {
    diagnostics: Diagnostic[];
    notApplicable: NotApplicable[];
}

export interface Remediation {
    policyName: string;
    properties?: WireProps;
    diagnostic: string;
}

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevelName;
    properties: Record<string, unknown>;
}

function struct(props: WireProps): Struct {
    return Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
}

function resourceOptions(o: ResourceOptions = {}): analyzer.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions();
    opts.setProtect(o.protect ?? false);
    opts.setIgnorechangesList(o.ignoreChanges ?? []);
    opts.setAliasesList(o.aliases ?? []);
    opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
    if (o.deleteBeforeReplace !== undefined) {
        opts.setDeletebeforereplacedefined(true);
        opts.setDeletebeforereplace(o.deleteBeforeReplace);
    }
    if (o.parent) opts.setParent(o.parent);
    opts.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
    return opts;
}

function providerResource(p: ProviderRef): analyzer.AnalyzerProviderResource {
    const provider = new analyzer.AnalyzerProviderResource();
    provider.setType(p.type);
    provider.setUrn(p.urn);
    provider.setName(p.name);
    provider.setProperties(struct(p.props));
    return provider;
}

export function analyzeRequest(r: AnalyzedResource, props: WireProps = r.inputs): analyzer.AnalyzeRequest {
    const req = new analyzer.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(struct(props));
    req.setOptions(resourceOptions(r.options));
    if (r.provider) req.setProvider(providerResource(r.provider));
    return req;
}

export function analyzeResult(resp: analyzer.AnalyzeResponse): AnalyzeResult {
    return {
        diagnostics: resp.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: levelName(d.getEnforcementlevel()),
            urn: d.getUrn(),
        })),
        notApplicable: resp.getNotApplicableList().map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
    };
}

export function remediationResult(resource: AnalyzedResource, resp: analyzer.RemediateResponse): { remediations: Remediation[]; inputs: WireProps } {
    let inputs = resource.inputs;
    const remediations = resp.getRemediationsList().map((r) => {
        const properties = r.getProperties()?.toJavaScript() as WireProps | undefined;
        if (properties) inputs = properties;
        return { policyName: r.getPolicyname(), properties, diagnostic: r.getDiagnostic() };
    });
    return { remediations, inputs };
}

export function analyzeStackRequest(resources: readonly AnalyzedResource[]): analyzer.AnalyzeStackRequest {
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList(resources.map((r) => {
        const res = new analyzer.AnalyzerResource();
        res.setType(r.type);
        res.setUrn(r.urn);
        res.setName(r.name);
        res.setProperties(struct(r.outputs));
        res.setOptions(resourceOptions(r.options));
        if (r.provider) res.setProvider(providerResource(r.provider));
        if (r.options?.parent) res.setParent(r.options.parent);
        res.setDependenciesList([...(r.dependencies ?? [])]);
        const deps = res.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const d = new analyzer.AnalyzerPropertyDependencies();
            d.setUrnsList([...urns]);
            deps.set(k, d);
        }
        return res;
    }));
    return req;
}

export class AnalyzerClient {
    private readonly client: analyzerRpc.AnalyzerClient;

    constructor(port: number) {
        this.client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
    }

    private call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
        return new Promise((resolve, reject) => {
            method.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res)));
        });
    }

    async configureStack(identity: StackIdentity, stackTags: Record<string, string> = {}): Promise<void> {
        const req = new analyzer.AnalyzerStackConfigureRequest();
        req.setStack(identity.stack);
        req.setProject(identity.project);
        req.setOrganization(identity.organization);
        req.setDryRun(identity.dryRun);
        const config = req.getConfigMap();
        for (const [k, v] of Object.entries(identity.config)) config.set(k, v);
        const tags = req.getTagsMap();
        for (const [k, v] of Object.entries(stackTags)) tags.set(k, v);
        await this.call(this.client.configureStack, req);
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await this.call<Empty, analyzer.AnalyzerInfo>(this.client.getAnalyzerInfo, new Empty());
        const initialConfig: AnalyzerInfo["initialConfig"] = {};
        info.getInitialconfigMap().forEach((v, k) => {
            initialConfig[k] = { enforcementLevel: levelName(v.getEnforcementlevel()), properties: v.getProperties()?.toJavaScript() };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: levelName(p.getEnforcementlevel()),
                    configSchema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
                };
            }),
            initialConfig,
        };
    }

    async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
        const req = new analyzer.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(config)) {
            const pc = new analyzer.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_TO_PROTO[entry.enforcementLevel]);
            pc.setProperties(struct(entry.properties));
            map.set(name, pc);
        }
        await this.call(this.client.configure, req);
    }

    async analyze(resource: AnalyzedResource, inputs: WireProps = resource.inputs): Promise<AnalyzeResult> {
        return analyzeResult(await this.call(this.client.analyze, analyzeRequest(resource, inputs)));
    }

    /** Runs remediations; returns them and the inputs they leave (the last remediation's properties win). */
    async remediate(resource: AnalyzedResource): Promise<{ remediations: Remediation[]; inputs: WireProps }> {
        return remediationResult(resource, await this.call<analyzer.AnalyzeRequest, analyzer.RemediateResponse>(this.client.remediate, analyzeRequest(resource)));
    }

    async analyzeStack(resources: readonly AnalyzedResource[]): Promise<AnalyzeResult> {
        return analyzeResult(await this.call(this.client.analyzeStack, analyzeStackRequest(resources)));
    }

    close(): void {
        this.client.close();
    }
}
