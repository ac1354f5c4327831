/**
 * `tagguard audit`: attribution coverage of deployed stacks from their state. The vocabulary, registry,
 * effective-tag computation and rules are the pack's own (`tagset/`, `policies/`).
 */
import { policyConfigSchemas } from "../../policies/all";
import { classify, exemptionCounts, expiry, groupLabel } from "../../policies/attribution";
import { carriesCost, costReachCheck } from "../../policies/cost-reaches-tagged-resource";
import { quote, stackViewFromUrns, type ResourceView } from "../../policies/framework";
import { namespaceOf } from "../../policies/pod-labels";
import { labelValueProblems } from "../../tagset/labels";
import { type Exemption, type NamespaceScope, type PodLabelsConfigSchema, type ScopeConfig, type TagValuesConfigSchema } from "../../tagset/config";
import { compileRules, formatDay, tagValueProblems, utcDay, type CompiledRules } from "../../tagset/rules";
import { providerRefUrn, urnParts } from "../../tagset/urn";
import { packConfigFor, type GivenPolicyConfig } from "../engine/policy-config";
import type { z } from "zod";
import { shownPath } from "../input";
import type { LoadResult, LoadedStack, StateResource } from "./state";

export interface AuditConfig {
    /** `required-tags`' scope and exemptions, with `pod-labels`' namespaces for Kubernetes workloads. */
    scope: ScopeConfig & { namespaces: NamespaceScope };
    rules: CompiledRules;
    today: Date;
    /** Config keys naming no policy. */
    warnings: string[];
}

/**
 * The audit takes the pack's config file, validated completely with the pack's own schemas: scope and
 * exemptions of `required-tags`, value rules of `tag-values`, namespaces of `pod-labels`.
 */
export function auditConfig(given: GivenPolicyConfig, today: Date, where?: string): AuditConfig {
    const { config, warnings } = packConfigFor(given, policyConfigSchemas(), where);
    const scope = { ...(config.get("required-tags") as ScopeConfig), namespaces: (config.get("pod-labels") as z.infer<typeof PodLabelsConfigSchema>).namespaces };
    const values = config.get("tag-values") as z.infer<typeof TagValuesConfigSchema>;
    return { scope, rules: compileRules(values), today, warnings };
}

export interface Tally {
    key: string;
    inScope: number;
    attributable: number;
    coverage: number;
}

export interface NonCompliant {
    stack: string;
    urn: string;
    type: string;
    missing: readonly string[];
    invalid: string[];
    /** Keys whose values cannot be read (encrypted secrets, values the state does not hold). */
    cannotVerify: readonly string[];
}

export const AUDIT_REPORT_VERSION = 1;

/** A configured exemption as the report shows it: its targets, whether it is in force, how many resources it covers. */
export interface ExemptionUse {
    urn?: string;
    name?: string;
    type?: string;
    reason: string;
    expires: string;
    inForce: boolean;
    matches: number;
}

export interface AuditReport {
    reportVersion: number;
    today: string;
    /** `coverage` is null when nothing is in scope: there is nothing to measure. */
    summary: { stacks: number; inScope: number; attributable: number; coverage: number | null; exempt: number; cannotVerify: number };
    byStack: Tally[];
    byService: Tally[];
    byType: Tally[];
    byTeam: Tally[];
    byModel: Tally[];
    byPhase: Tally[];
    /** Kubernetes workloads by namespace (a workload without one is in its provider's, else `default`). */
    byNamespace: Tally[];
    nonCompliant: NonCompliant[];
    propagationGaps: { stack: string; urn: string; type: string; level: "mandatory" | "advisory"; problem: string }[];
    expired: { stack: string; urn: string; type: string; expiresAt: string }[];
    exemptions: ExemptionUse[];
    /** Inputs that could not be read; every other stack is still reported. */
    errors: { file: string; error: string }[];
    /** What was read but not counted (duplicate inputs, copies pending deletion, repeated URNs), and config keys naming no policy. */
    warnings: string[];
}

const PROVIDER = /^pulumi:providers:/;
const NONE = "(none)";

class Tallies {
    private readonly m = new Map<string, { inScope: number; attributable: number }>();
    add(key: string, attributable: boolean): void {
        const t = this.m.get(key) ?? { inScope: 0, attributable: 0 };
        t.inScope++;
        if (attributable) t.attributable++;
        this.m.set(key, t);
    }
    list(): Tally[] {
        return [...this.m].map(([key, t]) => ({ key, ...t, coverage: t.inScope ? t.attributable / t.inScope : 1 })).sort((a, b) => a.key.localeCompare(b.key));
    }
}

const isEmptyObject = (v: unknown): boolean => typeof v !== "object" || v === null || Object.keys(v).length === 0;

/** A stack's resources as the checks read them: outputs, else inputs; the provider from the same state. */
function views(stack: LoadedStack): { views: ResourceView[]; byUrn: Map<string, StateResource> } {
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const out: ResourceView[] = [];
    for (const r of stack.resources) {
        if (r.custom === false || PROVIDER.test(r.type)) continue;
        const providerUrn = r.provider ? providerRefUrn(r.provider) : undefined;
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        out.push({
            type: r.type,
            urn: r.urn,
            name: urnParts(r.urn).name,
            props: isEmptyObject(r.outputs) ? r.inputs ?? {} : r.outputs,
            provider: provider ? { type: provider.type, props: provider.inputs ?? provider.outputs ?? {}, name: urnParts(provider.urn).name } : undefined,
        });
    }
    return { views: out, byUrn };
}

export function audit(results: readonly LoadResult[], config: AuditConfig, inputWarnings: readonly string[] = []): AuditReport {
    const tallies = { stack: new Tallies(), service: new Tallies(), type: new Tallies(), team: new Tallies(), model: new Tallies(), phase: new Tallies(), namespace: new Tallies() };
    const report: AuditReport = {
        reportVersion: AUDIT_REPORT_VERSION,
        today: formatDay(utcDay(config.today)),
        summary: { stacks: 0, inScope: 0, attributable: 0, coverage: null, exempt: 0, cannotVerify: 0 },
        byStack: [], byService: [], byType: [], byTeam: [], byModel: [], byPhase: [], byNamespace: [],
        nonCompliant: [], propagationGaps: [], expired: [], exemptions: [], errors: [],
        warnings: [...inputWarnings, ...config.warnings],
    };
    const exempted = new Map<Exemption, number>();
    /** Every resource of every stack read, for exemptions that exempted nothing. */
    const all: ResourceView[] = [];
    const todayDay = utcDay(config.today);
    for (const result of results) {
        if (!result.ok) {
            report.errors.push({ file: result.file, error: result.error });
            continue;
        }
        const stack = result.stack;
        report.summary.stacks++;
        if (stack.malformed) report.errors.push({ file: stack.file, error: `${stack.malformed} entries without a URN or type were skipped` });
        if (stack.skipped.pendingDelete) report.warnings.push(`${shownPath(stack.file)}: ${stack.skipped.pendingDelete} copies pending deletion (delete: true) not counted`);
        if (stack.skipped.duplicates) report.warnings.push(`${shownPath(stack.file)}: ${stack.skipped.duplicates} repeated URNs counted once`);
        if (stack.skipped.external) report.warnings.push(`${shownPath(stack.file)}: ${stack.skipped.external} resource${stack.skipped.external === 1 ? "" : "s"} the stack only reads (external: true, read with \`.get\`) not counted: ${stack.skipped.external === 1 ? "it is" : "they are"} audited in the stack that manages ${stack.skipped.external === 1 ? "it" : "them"}`);
        const stackName = `${stack.project}/${stack.stack}`;
        const { views: resources, byUrn } = views(stack);
        const stackView = stackViewFromUrns(resources, (urn, property) => {
            const r = byUrn.get(urn);
            const direct = r?.propertyDependencies?.[property];
            return direct?.length ? direct : r?.dependencies ?? [];
        });
        for (const view of resources) {
            all.push(view);
            const c = classify(view, config.scope, config.today);
            if (c.state === "out-of-scope") continue;
            if (c.state === "exempt") {
                report.summary.exempt++;
                exempted.set(c.exemption, (exempted.get(c.exemption) ?? 0) + 1);
                continue;
            }
            const a = c.attribution;
            const cannotVerify = a.readable ? a.unverifiable : ["tags"];
            const invalid = a.malformed !== undefined
                ? [`\`tags\` is a ${a.malformed}`]
                : (a.entry.tags === "pod-labels" ? labelValueProblems : tagValueProblems)(a.values, config.rules, config.today).map((p) => `\`${p.key}\`${p.value === undefined ? "" : ` ${quote(p.value, a.secret.has(p.key))}`} ${p.problem}`);
            if (cannotVerify.length) report.summary.cannotVerify++;
            report.summary.inScope++;
            if (a.attributable) report.summary.attributable++;
            tallies.stack.add(stackName, a.attributable);
            tallies.service.add(a.entry.module, a.attributable);
            tallies.type.add(view.type, a.attributable);
            tallies.team.add(groupLabel(a, "team", NONE), a.attributable);
            tallies.model.add(groupLabel(a, "model_id", NONE), a.attributable);
            tallies.phase.add(groupLabel(a, "lifecycle_phase", NONE), a.attributable);
            if (a.entry.tags === "pod-labels") tallies.namespace.add(namespaceOf(view) ?? "(unknown)", a.attributable);
            if (a.missing.length || invalid.length || cannotVerify.length) report.nonCompliant.push({ stack: stackName, urn: view.urn, type: view.type, missing: a.missing, invalid, cannotVerify });
            const expires = expiry(a);
            if (expires && expires.day < todayDay) report.expired.push({ stack: stackName, urn: view.urn, type: view.type, expiresAt: expires.text });
            if (carriesCost(a.entry)) {
                const reach = costReachCheck({ resource: view, entry: a.entry, config: undefined, today: config.today, stackTags: new Map(), stack: stackView });
                for (const f of reach.findings) report.propagationGaps.push({ stack: stackName, urn: view.urn, type: view.type, level: f.advisory ? "advisory" : "mandatory", problem: f.message });
            }
        }
    }
    report.summary.coverage = report.summary.inScope ? report.summary.attributable / report.summary.inScope : null;
    report.byStack = tallies.stack.list();
    report.byService = tallies.service.list();
    report.byType = tallies.type.list();
    report.byTeam = tallies.team.list();
    report.byModel = tallies.model.list();
    report.byPhase = tallies.phase.list();
    report.byNamespace = tallies.namespace.list();
    report.exemptions = exemptionCounts(config.scope.exemptions, exempted, all, config.today).map(({ exemption, inForce, matches }) => ({ ...exemption, inForce, matches }));
    return report;
}
