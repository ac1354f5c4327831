/** `tagguard plan` output formats: text, json, sarif, github, as `check` writes them. */
import * as path from "path";
import type { Log, Result } from "sarif";
import { createPolicies } from "../../policies/all";
import { indent, pct, sarifRules } from "../check/formats";
import { packInfo } from "../engine/in-process-pack";
import { githubData, githubProperty, jsonText, visible, visibleLines } from "../output";
import type { PlanReport, PlanViolation } from "./plan";

export const PLAN_FORMATS = ["text", "json", "sarif", "github"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

const subject = (v: PlanViolation): string => (v.address === null ? "the plan" : visible(v.address));
const relative = (file: string): string => path.relative(process.cwd(), file).split(path.sep).join("/") || file;

export function formatPlanText(report: PlanReport): string {
    const failed = report.summary.violations.mandatory > 0;
    const lines = [`Policies:`, `    ${failed ? "❌" : "✅"} ${report.policyPack.name}@v${report.policyPack.version} (on ${report.plans.length === 1 ? visible(relative(report.plans[0].file)) : `${report.plans.length} plans`})`];
    const order = new Map(report.resources.map((r, i) => [`${r.file}\u0000${r.address}`, i]));
    const sorted = [...report.violations].sort((a, b) => (a.address === null ? 1 : 0) - (b.address === null ? 1 : 0) || (order.get(`${a.file}\u0000${a.address}`) ?? 0) - (order.get(`${b.file}\u0000${b.address}`) ?? 0));
    for (const v of sorted) {
        lines.push(`        - [${v.enforcementLevel}]  ${visible(v.policy)}  (${subject(v)}${report.plans.length > 1 ? ` in ${visible(relative(v.file))}` : ""})`);
        lines.push(indent(visibleLines(v.message), 10));
    }
    const s = report.summary;
    const n = s.notChecked;
    const left = [[n.unchanged, "unchanged"], [n.deleted, "deleted"], [n.notManaged, "data sources"], [n.otherProvider, "of other providers"], [n.unknownType, "of AWS types tagguard does not know"], [n.tagsUnknownToRegistry, "taggable but unknown to tagguard's registry"]]
        .filter(([count]) => count).map(([count, what]) => `${count} ${what}`);
    lines.push("", `Attribution: ${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources created, updated or replaced${left.length ? `; not checked: ${left.join(", ")}` : ""}.`);
    lines.push(`Violations: ${s.violations.mandatory} mandatory, ${s.violations.advisory} advisory.${failed ? " The plan fails tagguard's policies." : ""}`);
    for (const w of report.warnings) lines.push(`warning: ${visibleLines(w)}`);
    return lines.join("\n");
}

/** GitHub Actions workflow commands: one annotation per violation, on the plan file. */
export function formatPlanGithub(report: PlanReport): string {
    const lines = report.violations.map((v) => {
        const kind = v.enforcementLevel === "mandatory" ? "error" : "warning";
        return `::${kind} file=${githubProperty(relative(v.file))},title=${githubProperty(`tagguard ${v.policy}: ${v.address ?? "plan"}`)}::${githubData(v.message)}`;
    });
    const s = report.summary;
    lines.push(`::notice title=tagguard attribution::${s.attributable} of ${s.inScope} resources in scope are attributable; ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations`);
    return lines.join("\n");
}

/** SARIF 2.1.0: the plan file as the artifact, the resource address as the logical location. */
export function formatPlanSarif(report: PlanReport): Log {
    const rules = sarifRules(packInfo(createPolicies()).policies);
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const results: Result[] = report.violations.map((v) => ({
        ruleId: v.policy,
        ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: v.address === null ? v.message : `${v.address}: ${v.message}` },
        locations: [{
            physicalLocation: { artifactLocation: { uri: relative(v.file), uriBaseId: "%SRCROOT%" } },
            ...(v.address === null ? {} : { logicalLocations: [{ fullyQualifiedName: v.address, name: v.name ?? v.address, kind: "resource" }] }),
        }],
        partialFingerprints: { "tagguard/address+policy": `${v.address ?? "(plan)"}|${v.policy}` },
    }));
    return {
        version: "2.1.0",
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [{
            tool: { driver: { name: "tagguard", semanticVersion: report.policyPack.version, version: report.policyPack.version, rules } },
            results,
            properties: { plans: report.plans.map((p) => p.file), summary: report.summary },
        }],
    };
}

export function renderPlan(report: PlanReport, format: PlanFormat): string {
    switch (format) {
        case "json": return jsonText(report);
        case "sarif": return jsonText(formatPlanSarif(report));
        case "github": return formatPlanGithub(report);
        case "text": return formatPlanText(report);
    }
}
