/**
 * tagguard's policies run in this process, as `@pulumi/policy`'s analyzer server runs them
 * (`makeAnalyzeRpcFun` and `makeAnalyzeStackRpcFun` in server.js of 1.21): each policy at its
 * configured enforcement level (`disabled` skipped, `remediate` reported as mandatory), violations
 * built as `makeReportViolationFun` builds them, `notApplicable` recorded. Tools that have no Pulumi
 * engine (`tagguard plan`) get the same verdicts without a pack process; a test compares both paths.
 */
import type { PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PACK_NAME, createPolicies, policyConfigSchemas } from "../../policies/all";
import type { CoverageSummary } from "../../policies/attribution-coverage";
import { visible } from "../../tagset/text";
import { setOwn } from "../../tagset/values";
import packageJson from "../../policies/package.json";
import type { AnalyzeResult, AnalyzedResource, AnalyzerInfo, Diagnostic, EnforcementLevelName, PolicyConfigEntry } from "./analyzer-client";
import { reconcilePolicyPackConfig, type GivenPolicyConfig } from "./policy-config";
import { PolicyPackError } from "./policy-pack-process";
import type { PackRun, ResourceVerdict } from "./session";

type AnyPolicy = ReturnType<typeof createPolicies>[number];

class NotApplicable extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicable(reason ?? "");
};

/** The pack's info as GetAnalyzerInfo reports it. */
export function packInfo(policies: readonly AnyPolicy[]): AnalyzerInfo {
    return {
        name: PACK_NAME,
        version: packageJson.version,
        policies: policies.map((p) => ({
            name: p.name,
            description: p.description,
            enforcementLevel: p.enforcementLevel ?? "advisory",
            configSchema: p.configSchema ? { properties: p.configSchema.properties as Record<string, unknown>, required: p.configSchema.required ?? [] } : undefined,
        })),
        initialConfig: {},
    };
}

interface Violation {
    message?: string;
    description?: string;
    urn?: string;
    enforcementLevel?: EnforcementLevelName;
}

/** Where a policy's violations go: the analysis in progress (one reporter per policy, retargeted per resource); made on the first. */
interface DiagnosticSink {
    into: Diagnostic[] | undefined;
}

function reporter(policy: AnyPolicy, level: EnforcementLevelName, version: string, sink: DiagnosticSink): ReportViolation {
    const { name: policyName, description } = policy;
    return ((message: string | Violation, urn?: string) => {
        if (typeof message === "object") {
            (sink.into ??= []).push({ policyName, policyPackName: PACK_NAME, policyPackVersion: version, description, message: message.message || message.description || description, urn: message.urn ?? "", enforcementLevel: message.enforcementLevel ?? level });
        } else {
            (sink.into ??= []).push({ policyName, policyPackName: PACK_NAME, policyPackVersion: version, description, message: message ? `${description}\n${message}` : description, urn: urn ?? "", enforcementLevel: level });
        }
    }) as ReportViolation;
}

/** A policy exception aborts a real preview; here it stops the run with one line. */
function failure(policy: AnyPolicy, what: string, e: unknown): PolicyPackError {
    const cause = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
    return new PolicyPackError(`policy ${policy.name} of ${PACK_NAME}: ${what} failed: ${visible(cause, { max: 300 })}`);
}

/** The resource options the engine sends for a resource that sets none. */
const NO_OPTIONS: PolicyResourceOptions = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/** The provider as the SDK hands it to a policy; one object per provider (policies only read it). */
function providerViews(): (p: AnalyzedResource["provider"]) => PolicyProviderResource | undefined {
    const views = new Map<NonNullable<AnalyzedResource["provider"]>, PolicyProviderResource>();
    return (p) => {
        if (!p) return undefined;
        let view = views.get(p);
        if (!view) views.set(p, (view = { type: p.type, props: p.props, urn: p.urn, name: p.name }));
        return view;
    };
}

export interface InProcessOptions {
    resources: readonly AnalyzedResource[];
    policyConfig?: GivenPolicyConfig;
    policyConfigSource?: string;
    stackTags?: Record<string, string>;
}

/**
 * Analyze for each resource, then AnalyzeStack over all of them; config validated as `check` validates it.
 * `coverage` is the attribution summary the stack check computed (absent when that policy did not run).
 */
export async function runPoliciesInProcess(opts: InProcessOptions): Promise<PackRun & { coverage?: CoverageSummary }> {
    let coverage: CoverageSummary | undefined;
    const policies = createPolicies({ onCoverage: (summary) => (coverage = summary) });
    const info = packInfo(policies);
    const { config, warnings } = reconcilePolicyPackConfig(info, opts.policyConfig ?? {}, opts.policyConfigSource, policyConfigSchemas(), false);
    const stackTags = new Map(Object.entries(opts.stackTags ?? {}));
    // The same object for every call, as the SDK's config is the same for every resource.
    const getConfig = (name: string): (() => Record<string, unknown>) => {
        const properties = Object.freeze({ ...config[name]?.properties });
        return () => properties;
    };
    const active = policies.flatMap((p) => {
        const entry: PolicyConfigEntry | undefined = config[p.name];
        const level = entry?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
        return level === "disabled" ? [] : [{ policy: p, level: level === "remediate" ? "mandatory" as const : level }];
    });

    const sink: DiagnosticSink = { into: undefined };
    const verdicts: ResourceVerdict[] = [];
    const policyProvider = providerViews();
    const resourcePolicies = active.flatMap(({ policy, level }) => {
        const validate = (policy as ResourceValidationPolicy).validateResource;
        return validate ? [{ policy, report: reporter(policy, level, info.version, sink), validations: Array.isArray(validate) ? validate : [validate], getConfig: getConfig(policy.name) as ResourceValidationArgs["getConfig"] }] : [];
    });
    for (let r = 0; r < opts.resources.length; r++) {
        const resource = opts.resources[r];
        sink.into = undefined;
        let notApplicable: AnalyzeResult["notApplicable"] | undefined;
        const args: ResourceValidationArgs = {
            type: resource.type,
            props: resource.inputs,
            urn: resource.urn,
            name: resource.name,
            opts: NO_OPTIONS,
            stackTags,
            provider: policyProvider(resource.provider),
            isType: NOT_OF_TYPE,
            asType: NOT_AS_TYPE,
            getConfig: resourcePolicies[0]?.getConfig ?? (() => ({})),
            notApplicable: throwNotApplicable,
        };
        for (let p = 0; p < resourcePolicies.length; p++) {
            const { policy, report, validations, getConfig: config } = resourcePolicies[p];
            args.getConfig = config;
            for (let v = 0; v < validations.length; v++) {
                const validation = validations[v];
                try {
                    // The SDK awaits every validation; tagguard's are synchronous, and awaiting 60,000 of them costs more than running them.
                    const pending = validation(args, report);
                    if (pending) await pending;
                } catch (e) {
                    if (e instanceof NotApplicable) (notApplicable ??= []).push({ policyName: policy.name, reason: e.reason });
                    else throw failure(policy, `Analyze of ${resource.type} ${visible(resource.name, { max: 100 })}`, e);
                }
            }
        }
        verdicts.push({ resource, remediations: NONE, analyzedInputs: resource.inputs, result: { diagnostics: sink.into ?? NONE, notApplicable: notApplicable ?? NONE } });
    }

    const stack: AnalyzeResult = { diagnostics: [], notApplicable: [] };
    sink.into = stack.diagnostics;
    const policyResources = stackResources(opts.resources, policyProvider);
    for (const { policy, level } of active) {
        const validate = (policy as StackValidationPolicy).validateStack;
        if (!validate) continue;
        const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig: getConfig(policy.name) as StackValidationArgs["getConfig"], notApplicable: throwNotApplicable };
        try {
            await validate(args, reporter(policy, level, info.version, sink));
        } catch (e) {
            if (e instanceof NotApplicable) stack.notApplicable.push({ policyName: policy.name, reason: e.reason });
            else throw failure(policy, "AnalyzeStack", e);
        }
    }
    return { info, config, configWarnings: warnings, resources: verdicts, stack, output: [], coverage };
}

/** Shared by every verdict that has none (read-only by contract: nothing appends to a finished verdict). */
const NONE = Object.freeze([]) as never[];
const NOT_OF_TYPE = (): boolean => false;
const NOT_AS_TYPE = (): undefined => undefined;

/** The stack's resources as the SDK builds them for `validateStack`: outputs as props, dependencies as resources. */
function stackResources(resources: readonly AnalyzedResource[], policyProvider: ReturnType<typeof providerViews>): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list: PolicyResource[] = new Array(resources.length);
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        const resource: PolicyResource = {
            type: r.type,
            props: r.outputs,
            urn: r.urn,
            name: r.name,
            opts: NO_OPTIONS,
            provider: policyProvider(r.provider),
            dependencies: NONE,
            propertyDependencies: NO_PROPERTY_DEPENDENCIES,
            isType: NOT_OF_TYPE,
            asType: NOT_AS_TYPE,
        };
        byUrn.set(r.urn, resource);
        list[i] = resource;
    }
    const resolve = (urns: readonly string[]): PolicyResource[] => urns.flatMap((u) => byUrn.get(u) ?? []);
    // Most resources depend on nothing: they keep the shared empty list and map (policies only read them).
    for (let i = 0; i < resources.length; i++) {
        const { dependencies, propertyDependencies } = resources[i];
        if (dependencies?.length) list[i].dependencies = resolve(dependencies);
        for (const property in propertyDependencies) {
            if (!Object.prototype.hasOwnProperty.call(propertyDependencies, property)) continue;
            if (list[i].propertyDependencies === NO_PROPERTY_DEPENDENCIES) list[i].propertyDependencies = {};
            setOwn(list[i].propertyDependencies, property, resolve(propertyDependencies[property]));
        }
    }
    return list;
}

const NO_PROPERTY_DEPENDENCIES: Readonly<Record<string, PolicyResource[]>> = Object.freeze({});
