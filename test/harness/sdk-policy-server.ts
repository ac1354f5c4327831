/**
 * Runs policies in-process through the `@pulumi/policy` SDK's own RPC handlers (`server.js`, internal in
 * 1.21): real protobuf requests, the SDK's deserialization, its unknown-checking proxy, its
 * not-applicable and UnknownValueError handling and its violation reporting. Only `getConfig` and
 * `stackTags` are injected, since the SDK keeps those in module state set by RPCs it does not export.
 * A policy that throws fails the test: under the real engine it would abort the preview.
 */
import type { Policy, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import {
    analyzeRequest,
    analyzeResult,
    analyzeStackRequest,
    remediationResult,
    type AnalyzeResult,
    type AnalyzedResource,
    type EnforcementLevelName,
    type ProviderRef,
    type ResourceOptions,
    type WireProps,
} from "../../cli/engine/analyzer-client";

import { tuneSdkDeserialization } from "../../policies/sdk-deserialization";

// As the pack's index.ts does before serving: secrets stay recognisable in Analyze.
tuneSdkDeserialization();

type Handler<Req, Res> = (call: { request: Req }, callback: (err: Error | null | undefined, res?: Res) => void) => Promise<void>;
type AnyPolicy = ResourceValidationPolicy & Partial<StackValidationPolicy>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(pack: string, version: string, level: EnforcementLevelName, policies: Policy[]): Handler<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>;
    makeAnalyzeStackRpcFun(pack: string, version: string, level: EnforcementLevelName, policies: Policy[]): Handler<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>;
    makeRemediateRpcFun(pack: string, version: string, level: EnforcementLevelName, policies: Policy[]): Handler<analyzer.AnalyzeRequest, analyzer.RemediateResponse>;
};

export const AWS_PROVIDER_URN = "urn:pulumi:dev::ml::pulumi:providers:aws::default_7_48_0";

export interface ResourceCase {
    type: string;
    props: WireProps;
    /** Outputs for the stack half; defaults to the inputs. */
    outputs?: WireProps;
    name?: string;
    urn?: string;
    provider?: Omit<ProviderRef, "urn" | "name"> & Partial<ProviderRef>;
    options?: ResourceOptions;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface ServeOptions {
    config?: Record<string, unknown>;
    stackTags?: Record<string, string>;
    enforcementLevel?: EnforcementLevelName;
}

export function toAnalyzed(c: ResourceCase, i = 0): AnalyzedResource {
    const name = c.name ?? `r${i}`;
    return {
        type: c.type,
        name,
        urn: c.urn ?? `urn:pulumi:dev::ml::${c.type}::${name}`,
        inputs: c.props,
        outputs: c.outputs ?? c.props,
        options: c.options,
        provider: c.provider ? { urn: AWS_PROVIDER_URN, name: "default_7_48_0", ...c.provider } : undefined,
        dependencies: c.dependencies,
        propertyDependencies: c.propertyDependencies,
    };
}

function freeze(tags: Record<string, string>): ReadonlyMap<string, string> {
    return new Map(Object.entries(tags));
}

/** The policy with config and stack tags injected into the args the SDK builds. */
function configured(policy: AnyPolicy, opts: ServeOptions): Policy {
    const getConfig = <T extends object>(): T => (opts.config ?? {}) as T;
    const stackTags = freeze(opts.stackTags ?? {});
    const p: AnyPolicy = { ...policy, enforcementLevel: opts.enforcementLevel ?? policy.enforcementLevel };
    const validate = policy.validateResource;
    if (typeof validate === "function") p.validateResource = (args: ResourceValidationArgs, rv: ReportViolation) => validate({ ...args, getConfig, stackTags }, rv);
    const remediate = policy.remediateResource;
    if (remediate) p.remediateResource = (args: ResourceValidationArgs) => remediate({ ...args, getConfig, stackTags });
    const validateStack = policy.validateStack;
    if (validateStack) p.validateStack = (args: StackValidationArgs, rv: ReportViolation) => validateStack({ ...args, getConfig, stackTags }, rv);
    return p;
}

function invoke<Req, Res>(handler: Handler<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });
}

const PACK = ["tagguard", "0.1.0"] as const;

export async function analyze(policy: AnyPolicy, c: ResourceCase | AnalyzedResource, opts: ServeOptions = {}): Promise<AnalyzeResult> {
    const handler = server.makeAnalyzeRpcFun(...PACK, "advisory", [configured(policy, opts)]);
    return analyzeResult(await invoke(handler, analyzeRequest("inputs" in c ? c : toAnalyzed(c))));
}

export async function analyzeStack(policy: AnyPolicy, cases: readonly (ResourceCase | AnalyzedResource)[], opts: ServeOptions = {}): Promise<AnalyzeResult> {
    const handler = server.makeAnalyzeStackRpcFun(...PACK, "advisory", [configured(policy, opts)]);
    return analyzeResult(await invoke(handler, analyzeStackRequest(cases.map((c, i) => ("inputs" in c ? c : toAnalyzed(c, i))))));
}

export async function remediate(policy: AnyPolicy, c: ResourceCase, opts: ServeOptions = {}): Promise<{ inputs: WireProps; changed: boolean }> {
    const handler = server.makeRemediateRpcFun(...PACK, "advisory", [configured(policy, { ...opts, enforcementLevel: "remediate" })]);
    const resource = toAnalyzed(c);
    const { remediations, inputs } = remediationResult(resource, await invoke(handler, analyzeRequest(resource)));
    return { inputs, changed: remediations.some((r) => r.properties !== undefined) };
}

/** Diagnostics by level, for compact assertions. */
export function byLevel(r: AnalyzeResult): { mandatory: string[]; advisory: string[]; notApplicable: string[] } {
    return {
        mandatory: r.diagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.message),
        advisory: r.diagnostics.filter((d) => d.enforcementLevel === "advisory").map((d) => d.message),
        notApplicable: r.notApplicable.map((n) => n.reason),
    };
}
