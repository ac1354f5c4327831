/**
 * `tagguard plan`: the pack's policies on Terraform and OpenTofu plans. Each plan is read into the
 * resource views the policies judge (`views.ts`) and analyzed in this process as the pack would
 * analyze a Pulumi preview: one plan is one stack.
 */
import { coverageSummary, type CoverageSummary } from "../../policies/attribution-coverage";
import { today } from "../../policies/framework";
import { CoverageConfigSchema } from "../../tagset/config";
import { runPoliciesInProcess } from "../engine/in-process-pack";
import type { GivenPolicyConfig } from "../engine/policy-config";
import type { Diagnostic } from "../engine/analyzer-client";
import type { BaselineStatus, BaselineSummary } from "../findings";
import { shownPath } from "../input";
import { readPlanFile } from "./plan-file";
import { planViews, type Action, type PlannedResource, type SkippedResource } from "./views";
import { terraformWording } from "./wording";

export const PLAN_REPORT_VERSION = 1;

export interface PlanViolation {
    file: string;
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    /** Null for a finding about the whole plan (the attribution summary). */
    address: string | null;
    type: string | null;
    name: string | null;
    message: string;
    /** The `source` of the resource's module, when the plan's configuration has it. */
    moduleSource?: string;
    /** With `--baseline`: whether the previous report had this finding. */
    baseline?: BaselineStatus;
}

export interface PlanResource {
    file: string;
    address: string;
    /** Terraform's type (`aws_instance`) and name (`gpu`); `pulumiType` is the registry's token the policies judged it as. */
    type: string;
    name: string;
    pulumiType: string;
    action: Action;
}

export interface PlanReport {
    reportVersion: number;
    policyPack: { name: string; version: string };
    plans: { file: string; formatVersion: string; terraformVersion: string | null }[];
    resources: PlanResource[];
    violations: PlanViolation[];
    /** Resources of the plans not judged, with the reason: nothing passes silently. */
    notChecked: (SkippedResource & { file: string })[];
    warnings: string[];
    summary: {
        plans: number;
        resources: number;
        inScope: number;
        attributable: number;
        notChecked: { unchanged: number; deleted: number; forgotten: number; notManaged: number; otherProvider: number; unknownType: number; tagsUnknownToRegistry: number };
        violations: { mandatory: number; advisory: number };
        /** With `--baseline`: new, existing and fixed findings; only new mandatory ones fail the run. */
        baseline?: BaselineSummary & { newMandatory: number };
    };
}

export interface PlanOptions {
    files: readonly string[];
    policyConfig: GivenPolicyConfig;
    policyConfigSource?: string;
}

/** Why a resource was not judged, for people. */
export const NOT_CHECKED_REASONS: Readonly<Record<SkippedResource["reason"], string>> = {
    "unchanged": "unchanged by this plan",
    "deleted": "deleted by this plan",
    "forgotten": "removed from Terraform's state by a `removed` block, not destroyed",
    "not-managed": "a data source",
    "other-provider": "not an AWS resource",
    "unknown-type": "an AWS type tagguard's registry does not know (and the plan shows no tags)",
    "tags-unknown-to-registry": "takes tags in this plan, but tagguard's registry (from @pulumi/aws) does not know it as taggable: upgrade tagguard",
};

/** The attribution figures when the pack's summary did not run (disabled, or its config refused): by its defaults or the valid config. */
function coverageOf(planned: readonly PlannedResource[], properties: unknown): CoverageSummary {
    const config = CoverageConfigSchema.safeParse(properties ?? {});
    const views = planned.map(({ resource: r }) => ({ type: r.type, urn: r.urn, name: r.name, props: r.inputs, provider: r.provider }));
    return coverageSummary(views, config.success ? config.data : CoverageConfigSchema.parse({}), today());
}

export async function planReport(opts: PlanOptions): Promise<PlanReport> {
    const report: PlanReport = {
        reportVersion: PLAN_REPORT_VERSION,
        policyPack: { name: "", version: "" },
        plans: [], resources: [], violations: [], notChecked: [], warnings: [],
        summary: {
            plans: 0, resources: 0, inScope: 0, attributable: 0,
            notChecked: { unchanged: 0, deleted: 0, forgotten: 0, notManaged: 0, otherProvider: 0, unknownType: 0, tagsUnknownToRegistry: 0 },
            violations: { mandatory: 0, advisory: 0 },
        },
    };
    // Every plan is read before any is judged: a bad file stops the run before output.
    const plans = opts.files.map((file) => ({ file, plan: readPlanFile(file) }));
    for (const { file, plan } of plans) {
        const { planned, skipped } = planViews(plan);
        const run = await runPoliciesInProcess({ resources: planned.map((p) => p.resource), policyConfig: opts.policyConfig, policyConfigSource: opts.policyConfigSource });
        report.policyPack = { name: run.info.name, version: run.info.version };
        if (!report.plans.length) report.warnings.push(...run.configWarnings);
        report.plans.push({ file, formatVersion: plan.format_version, terraformVersion: plan.terraform_version ?? null });
        // Verdicts come in the order of the resources; a diagnostic naming another resource is looked up by its address.
        let byAddress: Map<string, PlannedResource> | undefined;
        const plannedAt = (address: string): PlannedResource | undefined => (byAddress ??= new Map(planned.map((p) => [p.rc.address, p]))).get(address);
        for (const p of planned) report.resources.push({ file, address: p.rc.address, type: p.rc.type, name: p.rc.name, pulumiType: p.resource.type, action: p.action });
        // Findings of the resource half and of the stack half alike: a resource in a module names the module's source.
        const violation = (d: Diagnostic, p: PlannedResource | undefined): void => {
            const v: PlanViolation = { file, policy: d.policyName, enforcementLevel: d.enforcementLevel === "advisory" ? "advisory" : "mandatory", address: p?.rc.address ?? null, type: p?.rc.type ?? null, name: p?.rc.name ?? null, message: terraformWording(d.message) };
            if (p?.moduleSource) v.moduleSource = p.moduleSource;
            report.violations.push(v);
            report.summary.violations[v.enforcementLevel]++;
        };
        for (let i = 0; i < run.resources.length; i++) {
            const v = run.resources[i];
            for (const d of v.result.diagnostics) violation(d, !d.urn || d.urn === v.resource.urn ? planned[i] : plannedAt(d.urn));
        }
        for (const d of run.stack.diagnostics) violation(d, d.urn ? plannedAt(d.urn) : undefined);
        const coverage = run.coverage ?? coverageOf(planned, run.config["attribution-coverage"]?.properties);
        report.summary.inScope += coverage.inScope;
        report.summary.attributable += coverage.attributable;
        report.summary.resources += planned.length;
        report.summary.plans++;
        const counts = report.summary.notChecked;
        for (const s of skipped) {
            report.notChecked.push({ file, ...s });
            if (s.reason === "unchanged") counts.unchanged++;
            else if (s.reason === "deleted") counts.deleted++;
            else if (s.reason === "forgotten") counts.forgotten++;
            else if (s.reason === "not-managed") counts.notManaged++;
            else if (s.reason === "other-provider") counts.otherProvider++;
            else if (s.reason === "unknown-type") counts.unknownType++;
            else counts.tagsUnknownToRegistry++;
        }
        const unknownToRegistry = skipped.filter((s) => s.reason === "tags-unknown-to-registry");
        if (unknownToRegistry.length) {
            report.warnings.push(`${shownPath(file)}: ${unknownToRegistry.length} resources take tags but are not checked: ${[...new Set(unknownToRegistry.map((s) => s.type))].slice(0, 10).join(", ")} (${NOT_CHECKED_REASONS["tags-unknown-to-registry"]})`);
        }
    }
    return report;
}
