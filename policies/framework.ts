/**
 * What every tagguard policy shares: config parsing (a mistake is reported, never thrown), scope,
 * exemptions, reading props without tripping the SDK's unknown-checking proxy, and a guarantee that
 * no exception ever leaves a policy (an exception aborts the user's whole preview).
 */
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { z } from "zod";
import { configParser, scopedEntry, toPolicyConfigSchema, type ScopeConfig } from "../tagset/config";
import type { ProviderView } from "../tagset/effective-tags";
import { exemptionStatus } from "../tagset/exemptions";
import { hasOwnTags, type RegistryEntry } from "../tagset/registry-types";
import { visible } from "../tagset/text";
import { NO_KEYS, readOwn, snapshot } from "../tagset/values";

/** A resource as a check sees it: raw props (no proxy), its provider, its place in the stack. */
export interface ResourceView {
    type: string;
    urn: string;
    name: string;
    props: unknown;
    provider?: ProviderView;
}

export interface Finding {
    message: string;
    /** Informational (unknown at preview, expired exemption, cannot verify): never fails a preview. */
    advisory?: boolean;
}

export interface CheckResult {
    findings: readonly Finding[];
    /**
     * False when the resource could not be judged from what this call saw (values unknown at preview,
     * evidence held by another resource): the stack check looks at it again.
     */
    conclusive: boolean;
}

/** What the stack half of a policy can look up: the other resources of the stack, by URN. */
export interface StackView {
    resources: readonly ResourceView[];
    byUrn: ReadonlyMap<string, ResourceView>;
    /** URNs a property of a resource depends on (`propertyDependencies`), then all its dependencies. */
    dependenciesOf(urn: string, property: string): ResourceView[];
}

export interface CheckContext<C> {
    resource: ResourceView;
    entry: RegistryEntry;
    config: C;
    today: Date;
    stackTags: ReadonlyMap<string, string>;
    /** Present in the stack half only. */
    stack?: StackView;
}

export type ResourceCheck<C> = (ctx: CheckContext<C>) => CheckResult;

/** Shared by every check that finds nothing: frozen, since a result is never changed after its check returns. */
export const PASS: CheckResult = Object.freeze({ findings: Object.freeze([]), conclusive: true });

interface ResourcePolicySpec<S extends z.ZodObject> {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    remediationSteps: string;
    configSchema: S;
    check: ResourceCheck<z.infer<S>>;
    /** Check again, from outputs, the resources the resource half could not judge. */
    recheckInStack: boolean;
    /** The entries the policy judges (default: types with AWS tags of their own); other types in scope pass quietly. */
    judges?: (entry: RegistryEntry) => boolean;
    /** Why a resource the policy judges is out of its scope all the same (a Kubernetes namespace), if it is. */
    outOfScope?: (resource: ResourceView, config: z.infer<S>) => string | undefined;
}

export type ResourceAndStackPolicy = ResourceValidationPolicy & Partial<Pick<StackValidationPolicy, "validateStack">>;

/** Each tagguard policy's config schema, by policy object: tools validate a config file with the pack's own schemas. */
const configSchemas = new WeakMap<object, z.ZodObject>();

export function withConfigSchema<P extends object>(policy: P, schema: z.ZodObject): P {
    configSchemas.set(policy, schema);
    return policy;
}

export const configSchemaOf = (policy: object): z.ZodObject | undefined => configSchemas.get(policy);

const advisory = (message: string): Finding => ({ message, advisory: true });

export function internalError(policy: string, e: unknown, skipped = "this resource"): Finding {
    const what = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : "non-error exception";
    return advisory(`tagguard policy '${policy}' hit an internal error and skipped ${skipped} (${what}). Please report it.`);
}

/**
 * The SDK's server also accepts a violation object (`makeReportViolationFun` in @pulumi/policy 1.21),
 * which is the only way to lower one diagnostic to advisory; its typings only declare the string form.
 */
interface ViolationObject {
    message: string;
    urn?: string;
    enforcementLevel?: "advisory";
}

export function report(reportViolation: ReportViolation, findings: readonly Finding[], urn?: string): void {
    const emit = reportViolation as unknown as (v: ViolationObject) => void;
    for (let i = 0; i < findings.length; i++) {
        const f = findings[i];
        emit(f.advisory ? { message: f.message, urn, enforcementLevel: "advisory" } : { message: f.message, urn });
    }
}

/** A resource with its props and its provider's props copied out of the SDK's proxies. */
export function viewOf(r: { type: string; urn: string; name: string; props: unknown; provider?: { type: string; props: unknown; name?: string } }): ResourceView {
    const props = snapshot(r.props);
    const providerProps = r.provider ? snapshot(r.provider.props) : undefined;
    // Every policy of the pack asks for the same resource in turn: the last view is the one asked for again.
    const last = lastView;
    if (last && last.props === props && last.urn === r.urn && last.type === r.type && last.name === r.name && last.provider?.props === providerProps && last.provider?.name === r.provider?.name && last.provider?.type === r.provider?.type) return last;
    const view: ResourceView = { type: r.type, urn: r.urn, name: r.name, props, provider: r.provider ? { type: r.provider.type, props: providerProps, name: r.provider.name } : undefined };
    lastView = view;
    return view;
}

let lastView: ResourceView | undefined;

/** A stack view over resources whose dependencies are given as URNs (a state file, a recorded program). */
export function stackViewFromUrns(views: readonly ResourceView[], dependencies: (urn: string, property: string) => readonly string[]): StackView {
    const byUrn = new Map(views.map((v) => [v.urn, v]));
    return {
        resources: views,
        byUrn,
        dependenciesOf: (urn, property) => dependencies(urn, property).map((d) => byUrn.get(d)).filter((d): d is ResourceView => d !== undefined),
    };
}

/** Every policy's stack half gets the same resources list from the SDK: one stack view per list. */
let lastStack: { resources: readonly PolicyResource[]; view: StackView } | undefined;

export function stackViewOf(resources: readonly PolicyResource[]): StackView {
    if (lastStack?.resources === resources) return lastStack.view;
    const view = buildStackView(resources);
    lastStack = { resources, view };
    return view;
}

function buildStackView(resources: readonly PolicyResource[]): StackView {
    const source = new Map(resources.map((r) => [r.urn, r]));
    return stackViewFromUrns(resources.map(viewOf), (urn, property) => {
        const r = source.get(urn);
        if (!r) return [];
        const direct = readOwn(r.propertyDependencies, property);
        const list = Array.isArray(direct) && direct.length ? (direct as PolicyResource[]) : r.dependencies;
        return list.map((d) => d.urn);
    });
}

const GIVEN_TODAY = process.env.TAGGUARD_TODAY ? new Date(`${process.env.TAGGUARD_TODAY}T00:00:00Z`) : undefined;
const FIXED_TODAY = GIVEN_TODAY && !Number.isNaN(GIVEN_TODAY.getTime()) ? GIVEN_TODAY : undefined;

/** Today, fixed for reproducible runs by `TAGGUARD_TODAY=YYYY-MM-DD`. Callers never change it. */
export function today(): Date {
    if (FIXED_TODAY) return FIXED_TODAY;
    // Asked for by every policy for every resource: one Date a second is precise enough for a day.
    const now = Date.now();
    if (!current || now - current.getTime() >= 1000 || now < current.getTime()) current = new Date(now);
    return current;
}

let current: Date | undefined;

type Judged = { skip: string } | { result: CheckResult };

/** Scope, exemptions and the check, for one resource; never throws. */
interface JudgeSpec<C> {
    name: string;
    check: ResourceCheck<C>;
    judges?: (entry: RegistryEntry) => boolean;
    outOfScope?: (resource: ResourceView, config: C) => string | undefined;
}

export function judge<C extends ScopeConfig>(spec: JudgeSpec<C>, resource: ResourceView, config: C, stackTags: ReadonlyMap<string, string>, stack?: StackView): Judged {
    const { name: policy, check } = spec;
    try {
        const scoped = scopedEntry(resource.type, config);
        if ("skip" in scoped) return scoped;
        // A type in scope that the policy has no rule for passes quietly: not-applicable costs an exception per resource.
        if (!(spec.judges ?? hasOwnTags)(scoped.entry)) return { result: PASS };
        const outside = spec.outOfScope?.(resource, config);
        if (outside !== undefined) return { skip: outside };
        const now = today();
        const exemption = exemptionStatus(config.exemptions, resource, now);
        if (exemption.state === "active") return { skip: exemption.note };
        const result = check({ resource, entry: scoped.entry, config, today: now, stackTags, stack });
        // A new result: the check's may be shared (PASS), and a note added to it would reach other resources.
        return { result: exemption.state === "expired" ? { findings: [advisory(exemption.note), ...result.findings], conclusive: result.conclusive } : result };
    } catch (e) {
        return { result: { findings: [internalError(policy, e)], conclusive: true } };
    }
}

/**
 * A resource policy with an optional stack half. The resource half runs on each resource's inputs
 * (after the provider's Check); the stack half runs once at the end on outputs and looks again at what
 * the resource half could not judge.
 */
export function resourcePolicy<S extends z.ZodObject>(spec: ResourcePolicySpec<S>): ResourceAndStackPolicy {
    type C = z.infer<S> & ScopeConfig;
    const parse = configParser(spec.name, spec.configSchema);
    const judgeSpec: JudgeSpec<C> = { name: spec.name, check: spec.check as ResourceCheck<C>, judges: spec.judges, outOfScope: spec.outOfScope as JudgeSpec<C>["outOfScope"] };
    /** URNs judged conclusively by the resource half in this process (same preview or update). */
    const judged = new Set<string>();
    const reportedConfigErrors = new Set<string>();
    const configOrReport = (raw: unknown, reportViolation: ReportViolation): C | undefined => {
        const parsed = parse(raw);
        if (parsed.ok) return parsed.config as C;
        if (!reportedConfigErrors.has(parsed.message)) {
            reportedConfigErrors.add(parsed.message);
            report(reportViolation, [{ message: parsed.message }]);
        }
        return undefined;
    };

    const policy: ResourceAndStackPolicy = withConfigSchema({
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        remediationSteps: spec.remediationSteps,
        configSchema: toPolicyConfigSchema(spec.configSchema),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            let skip: string | undefined;
            try {
                const config = configOrReport(args.getConfig(), reportViolation);
                if (!config) return;
                const view = viewOf(args);
                const outcome = judge(judgeSpec, view, config, args.stackTags);
                if ("skip" in outcome) skip = outcome.skip;
                else {
                    if (outcome.result.conclusive) judged.add(args.urn);
                    report(reportViolation, outcome.result.findings);
                }
            } catch (e) {
                report(reportViolation, [internalError(spec.name, e)]);
            }
            if (skip !== undefined) args.notApplicable(skip);
        },
    }, spec.configSchema);
    if (spec.recheckInStack) {
        policy.validateStack = (args: StackValidationArgs, reportViolation: ReportViolation) => {
            try {
                const config = configOrReport(args.getConfig(), reportViolation);
                if (!config) return;
                const stack = stackViewOf(args.resources);
                for (let i = 0; i < stack.resources.length; i++) {
                    const resource = stack.resources[i];
                    if (judged.has(resource.urn)) continue;
                    const outcome = judge(judgeSpec, resource, config, args.stackTags, stack);
                    // What stays inconclusive was reported when the resource was analyzed, and is judged at update.
                    if ("result" in outcome && outcome.result.conclusive) report(reportViolation, outcome.result.findings, resource.urn);
                }
            } catch (e) {
                report(reportViolation, [internalError(spec.name, e)]);
            }
        };
    }
    return policy;
}

/** Quotes a tag value for a message, or `[secret]`; control characters escaped, long values cut. */
export function quote(value: string, secret: boolean): string {
    return secret ? "[secret]" : `"${visible(value, { max: 64, quoted: true })}"`;
}

/** A tag key for a message: back-quoted and made visible, or `a secret key` for a key that came inside a secret. */
export const keyName = (key: string, hidden: ReadonlySet<string> = NO_KEYS): string => (hidden.has(key) ? "a secret key" : `\`${visible(key, { max: 64 })}\``);

/** Sorted, comma-separated, back-quoted keys. */
export const keyList = (keys: Iterable<string>, hidden: ReadonlySet<string> = NO_KEYS): string => [...keys].sort().map((k) => keyName(k, hidden)).join(", ");

export { advisory };
