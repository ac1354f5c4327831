/** `tagguard plan` output formats: text, json, sarif, github, as `check` writes them. */
import * as path from "path";
import type { Log, Result } from "sarif";
import { createPolicies } from "../../policies/all";
import { REPEATED_FIXES } from "../../policies/all";
import { RepeatedFixes, indent, pct, sarifLog, sarifRules, splitFix } from "../check/formats";
import { cappedAnnotations, findingKey, markdownSummary, type Annotation } from "../findings";
import { terraformFix } from "./wording";
import { packInfo } from "../engine/in-process-pack";
import { jsonText, visible, visibleLines } from "../output";
import type { PlanReport, PlanViolation } from "./plan";

export const PLAN_FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

const subject = (v: PlanViolation): string => (v.address === null ? "the plan" : visible(v.address));
const relative = (file: string): string => path.relative(process.cwd(), file).split(path.sep).join("/") || file;
const PLAN_FIXES: ReadonlyMap<string, string | RegExp> = new Map([...REPEATED_FIXES].map(([policy, fix]) => [policy, terraformFix(fix)]));
const inModule = (v: PlanViolation): string => (v.moduleSource ? ` in module ${visible(v.moduleSource)}` : "");

export function formatPlanText(report: PlanReport): string {
    const s = report.summary;
    const failed = (s.baseline ? s.baseline.newMandatory : s.violations.mandatory) > 0;
    const lines = [`Policies:`, `    ${failed ? "❌" : "✅"} ${report.policyPack.name}@v${report.policyPack.version} (on ${report.plans.length === 1 ? visible(relative(report.plans[0].file)) : `${report.plans.length} plans`})`];
    // In the order of the resources (findings about the whole plan last); each position is looked up once, not per comparison.
    const order = new Map<string, Map<string, number>>();
    report.resources.forEach((r, i) => {
        let inFile = order.get(r.file);
        if (!inFile) order.set(r.file, (inFile = new Map()));
        inFile.set(r.address, i);
    });
    const sorted = report.violations
        .map((v) => ({ v, position: v.address === null ? Number.POSITIVE_INFINITY : order.get(v.file)?.get(v.address) ?? 0 }))
        .sort((a, b) => (a.position === b.position ? 0 : a.position - b.position))
        .map(({ v }) => v);
    const fixes = new RepeatedFixes();
    // Many resources share a message: each is split from its fix, made visible and indented once.
    const shown = new Map<string, Map<string, { text: string; fix?: string }>>();
    for (const v of sorted) {
        lines.push(`        - [${v.enforcementLevel}]  ${visible(v.policy)}  (${subject(v)}${inModule(v)}${report.plans.length > 1 ? ` in ${visible(relative(v.file))}` : ""})${v.baseline === "existing" ? "  (existing)" : ""}`);
        let byMessage = shown.get(v.policy);
        if (!byMessage) shown.set(v.policy, (byMessage = new Map()));
        let rendered = byMessage.get(v.message);
        if (!rendered) {
            const { message, fix } = splitFix(v.policy, v.message, PLAN_FIXES);
            byMessage.set(v.message, (rendered = { text: indent(visibleLines(message), 10), fix }));
        }
        fixes.add(v.policy, rendered.fix);
        lines.push(rendered.text);
    }
    if (fixes.size) {
        lines.push("", "How to fix:");
        for (const [policy, fix] of fixes.entries()) lines.push(`    ${policy}: ${fix}`);
    }
    const n = s.notChecked;
    const left = [[n.unchanged, "unchanged"], [n.deleted, "deleted"], [n.forgotten, "forgotten (removed from state)"], [n.notManaged, "data sources"], [n.otherProvider, "of other providers"], [n.unknownType, "of AWS types tagguard does not know"], [n.tagsUnknownToRegistry, "taggable but unknown to tagguard's registry"]]
        .filter(([count]) => count).map(([count, what]) => `${count} ${what}`);
    lines.push("", `Attribution: ${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources created, updated or replaced${left.length ? `; not checked: ${left.join(", ")}` : ""}.`);
    lines.push(`Violations: ${s.violations.mandatory} mandatory, ${s.violations.advisory} advisory.${failed ? " The plan fails tagguard's policies." : ""}`);
    if (s.baseline) lines.push(`Against the baseline ${visible(s.baseline.file)}: ${s.baseline.new} new (${s.baseline.newMandatory} mandatory), ${s.baseline.existing} existing, ${s.baseline.fixed} fixed.${s.baseline.newMandatory ? "" : " Only new mandatory findings fail the run."}`);
    for (const w of report.warnings) lines.push(`warning: ${visibleLines(w)}`);
    return lines.join("\n");
}

/** GitHub Actions workflow commands: one annotation per finding (new ones only with a baseline) on the plan file, capped as GitHub caps them. */
export function formatPlanGithub(report: PlanReport): string {
    const annotations: Annotation[] = report.violations.filter((v) => v.baseline !== "existing").map((v) => ({
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        file: relative(v.file),
        title: `tagguard ${v.policy}: ${v.address ?? "plan"}`,
        message: `${v.address ?? "plan"}${v.moduleSource ? ` (module ${v.moduleSource})` : ""}\n${splitFix(v.policy, v.message, PLAN_FIXES).message}`,
    }));
    const s = report.summary;
    annotations.push({ level: "notice", title: "tagguard attribution", message: `${s.attributable} of ${s.inScope} resources in scope are attributable; ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations${s.baseline ? `; against the baseline: ${s.baseline.new} new, ${s.baseline.existing} existing, ${s.baseline.fixed} fixed` : ""}` });
    return cappedAnnotations(annotations).join("\n");
}

/** The Markdown summary a GitHub job shows (`$GITHUB_STEP_SUMMARY`), or a report to paste. */
export function formatPlanMarkdown(report: PlanReport): string {
    const s = report.summary;
    const lines = [
        `${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources created, updated or replaced.`,
        `${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations.`,
        ...(s.baseline ? [`Against the baseline: ${s.baseline.new} new (${s.baseline.newMandatory} mandatory), ${s.baseline.existing} existing, ${s.baseline.fixed} fixed.`] : []),
    ];
    const fixes = new RepeatedFixes();
    const rows = report.violations.map((v) => {
        const { message, fix } = splitFix(v.policy, v.message, PLAN_FIXES);
        fixes.add(v.policy, fix);
        return { level: v.enforcementLevel, policy: v.policy, subject: v.address ?? "(plan)", where: v.moduleSource ?? relative(v.file), message, status: v.baseline };
    });
    for (const [policy, fix] of fixes.entries()) lines.push(`How to fix (${policy}): ${fix}`);
    return markdownSummary(`tagguard plan: ${report.plans.map((p) => relative(p.file)).join(", ")}`, lines, rows);
}

/** SARIF 2.1.0: the plan file as the artifact, the resource address as the logical location. */
export function formatPlanSarif(report: PlanReport): Log {
    const rules = sarifRules(packInfo(createPolicies()).policies);
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const results: Result[] = report.violations.map((v) => ({
        ruleId: v.policy,
        ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        ...(v.baseline ? { baselineState: v.baseline === "existing" ? "unchanged" as const : "new" as const } : {}),
        message: { text: v.address === null ? v.message : `${v.address}: ${v.message}` },
        locations: [{
            physicalLocation: { artifactLocation: { uri: relative(v.file), uriBaseId: "%SRCROOT%" } },
            ...(v.address === null ? {} : { logicalLocations: [{ fullyQualifiedName: v.address, name: v.name ?? v.address, kind: "resource" }] }),
        }],
        partialFingerprints: { "tagguard/finding": findingKey({ ...v, subject: v.address }) },
    }));
    return sarifLog(report.policyPack.version, rules, results, { plans: report.plans.map((p) => p.file), summary: report.summary });
}

export function renderPlan(report: PlanReport, format: PlanFormat): string {
    switch (format) {
        case "json": return jsonText(report);
        case "sarif": return jsonText(formatPlanSarif(report));
        case "github": return formatPlanGithub(report);
        case "markdown": return formatPlanMarkdown(report);
        case "text": return formatPlanText(report);
    }
}
