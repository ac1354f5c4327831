/** `tagguard check` output formats: text (like a Pulumi preview's Policies section), json, sarif, github. */
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PolicyInfo } from "../engine/analyzer-client";
import { REPEATED_FIXES } from "../../policies/all";
import { cappedAnnotations, findingKey, markdownSummary, type Annotation } from "../findings";
import { visible, visibleLines } from "../output";
import type { SourceLocation } from "./recorded";
import { UNCHECKED_ADVICE, type CheckReport, type CheckViolation, type UncheckedComponent } from "./report";

/** SARIF rule and GitHub title of components that could not be checked offline. */
export const NOT_CHECKED_RULE = "not-checked-offline";

const where = (c: UncheckedComponent, projectDir: string): string => (c.location ? ` at ${fromCwd(projectDir, c.location)}:${c.location.line}` : "");

export const FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

export const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");

export function indent(text: string, spaces: number): string {
    return text.split("\n").map((l) => " ".repeat(spaces) + l).join("\n");
}

/** A location's file relative to the working directory (where CI runs and annotations resolve). */
export const fromCwd = (projectDir: string, l: SourceLocation): string => path.relative(process.cwd(), path.join(projectDir, l.file)).split(path.sep).join("/");

/** A message without the fix its policy repeats on every resource; the fix, if it was there. */
export function splitFix(policy: string, message: string, fixes: ReadonlyMap<string, string | RegExp> = REPEATED_FIXES): { message: string; fix?: string } {
    const known = fixes.get(policy);
    const fix = known === undefined ? undefined : typeof known === "string" ? (message.includes(known) ? known : undefined) : known.exec(message)?.[0];
    if (!fix) return { message };
    return { message: message.replace(fix, "").replace(/\s+$/, "").replace(/,\s*$/, "."), fix };
}

/** The fixes split from a run's messages: each distinct one once, by policy in the pack's order, then in the order met. */
export class RepeatedFixes {
    private readonly byPolicy = new Map<string, Set<string>>();

    add(policy: string, fix: string | undefined): void {
        if (fix === undefined) return;
        let fixes = this.byPolicy.get(policy);
        if (!fixes) this.byPolicy.set(policy, (fixes = new Set()));
        fixes.add(fix);
    }

    get size(): number {
        return this.byPolicy.size;
    }

    *entries(): IterableIterator<[policy: string, fix: string]> {
        // Resources reach the engine in an order the SDK's scheduling decides: the pack's order is stable.
        const order = [...REPEATED_FIXES.keys()];
        const policies = [...this.byPolicy.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
        for (const policy of policies) for (const fix of this.byPolicy.get(policy)!) yield [policy, fix];
    }
}

/** Where inside a component of the project the resource was created, when the finding points at the component. */
const createdAt = (report: CheckReport, v: CheckViolation): string => (v.definedAt ? ` (created at ${fromCwd(report.projectDir, v.definedAt)}:${v.definedAt.line})` : "");

/** `file:line` of a finding, with the line inside a component of the project (text and Markdown). */
const placeOf = (report: CheckReport, v: CheckViolation): string => (v.location ? `${fromCwd(report.projectDir, v.location)}:${v.location.line}${createdAt(report, v)}` : "");

const baselineMark = (v: { baseline?: string }): string => (v.baseline === "existing" ? "  (existing)" : "");

export function formatText(report: CheckReport): string {
    const lines: string[] = [];
    const s = report.summary;
    const failed = (s.baseline ? s.baseline.newMandatory : s.violations.mandatory) > 0;
    lines.push("Policies:");
    lines.push(`    ${failed ? "❌" : "✅"} ${report.policyPack.name}@v${report.policyPack.version} (local: ${path.relative(process.cwd(), report.policyPack.path) || "."})`);
    // Resources in registration order; the stack's own diagnostics (the summary) last, as a preview shows them.
    const order = new Map(report.resources.map((r, i) => [r.urn, r.type === "pulumi:pulumi:Stack" ? Number.MAX_SAFE_INTEGER : i]));
    const byResource = new Map<string, CheckViolation[]>();
    for (const v of report.violations) byResource.set(v.urn, [...(byResource.get(v.urn) ?? []), v]);
    const fixes = new RepeatedFixes();
    for (const [, vs] of [...byResource].sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))) {
        for (const v of vs) {
            const place = placeOf(report, v);
            const where = place ? ` at ${visible(place)}` : "";
            lines.push(`        - [${v.enforcementLevel}]  ${visible(v.policy)}  (${visible(v.type)}: ${visible(v.name)})${where}${baselineMark(v)}`);
            const { message, fix } = splitFix(v.policy, v.message);
            fixes.add(v.policy, fix);
            lines.push(indent(visibleLines(message), 10));
        }
    }
    if (fixes.size) {
        lines.push("", "How to fix:");
        for (const [policy, fix] of fixes.entries()) lines.push(`    ${policy}: ${fix}`);
    }
    if (report.notCheckedOffline.length) {
        const n = report.notCheckedOffline.length;
        lines.push("", `Not checked offline (${n} component${n === 1 ? "" : "s"}: ${UNCHECKED_ADVICE}):`);
        for (const c of report.notCheckedOffline) lines.push(`    ${visible(c.type)} ${visible(c.name)}${visible(where(c, report.projectDir))}${c.reason ? ` (${c.reason})` : ""}`);
    }
    lines.push("");
    lines.push(`Attribution: ${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources registered${s.read ? `; ${s.read} read (\`.get\`), not judged` : ""}${s.unchecked ? `; ${s.unchecked} component${s.unchecked === 1 ? "" : "s"} not checked offline` : ""}.`);
    lines.push(`Violations: ${s.violations.mandatory} mandatory, ${s.violations.advisory} advisory.${failed ? " A `pulumi preview --policy-pack` would fail." : ""}`);
    if (s.baseline) lines.push(`Against the baseline ${visible(s.baseline.file)}: ${s.baseline.new} new (${s.baseline.newMandatory} mandatory), ${s.baseline.existing} existing, ${s.baseline.fixed} fixed.${s.baseline.newMandatory ? "" : " Only new mandatory findings fail the run."}`);
    for (const w of report.warnings) lines.push(`warning: ${visibleLines(w)}`);
    return lines.join("\n");
}

/** GitHub Actions workflow commands: one annotation per finding at its line (new ones only with a baseline), capped as GitHub caps them. */
export function formatGithub(report: CheckReport, programFile: string): string {
    const file = path.relative(process.cwd(), programFile);
    const annotations: Annotation[] = report.violations.filter((v) => v.baseline !== "existing").map((v) => ({
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        ...(v.location ? { file: fromCwd(report.projectDir, v.location), line: v.location.line, column: v.location.column } : { file }),
        title: `tagguard ${v.policy}: ${v.type} ${v.name}`,
        message: `${v.urn}${createdAt(report, v)}\n${splitFix(v.policy, v.message).message}`,
    }));
    for (const c of report.notCheckedOffline) {
        annotations.push({ level: "warning", ...(c.location ? { file: fromCwd(report.projectDir, c.location), line: c.location.line, column: c.location.column } : { file }), title: `tagguard ${NOT_CHECKED_RULE}: ${c.type} ${c.name}`, message: `${c.urn}\nNot checked offline${c.reason ? ` (${c.reason})` : ""}: ${UNCHECKED_ADVICE}.` });
    }
    const s = report.summary;
    annotations.push({ level: "notice", title: "tagguard attribution", message: `${s.attributable} of ${s.inScope} resources in scope are attributable; ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations${s.unchecked ? `; ${s.unchecked} components not checked offline` : ""}${s.baseline ? `; against the baseline: ${s.baseline.new} new, ${s.baseline.existing} existing, ${s.baseline.fixed} fixed` : ""}` });
    return cappedAnnotations(annotations).join("\n");
}

/** The Markdown summary a GitHub job shows (`$GITHUB_STEP_SUMMARY`), or a report to paste. */
export function formatMarkdown(report: CheckReport): string {
    const s = report.summary;
    const lines = [
        `${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources registered.`,
        `${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations.`,
        ...(s.baseline ? [`Against the baseline: ${s.baseline.new} new (${s.baseline.newMandatory} mandatory), ${s.baseline.existing} existing, ${s.baseline.fixed} fixed.`] : []),
        ...(s.unchecked ? [`${s.unchecked} components not checked offline.`] : []),
    ];
    const fixes = new RepeatedFixes();
    const rows = report.violations.map((v) => {
        const { message, fix } = splitFix(v.policy, v.message);
        fixes.add(v.policy, fix);
        return { level: v.enforcementLevel, policy: v.policy, subject: `${v.type} ${v.name}`, where: placeOf(report, v), message, status: v.baseline };
    });
    for (const [policy, fix] of fixes.entries()) lines.push(`How to fix (${policy}): ${fix}`);
    return markdownSummary(`tagguard check: ${report.project}/${report.stack}`, lines, rows);
}

/** One SARIF rule per policy of the pack, at its default level. */
export function sarifRules(policies: readonly PolicyInfo[]): ReportingDescriptor[] {
    return policies.map((p) => ({
        id: p.name,
        name: p.name,
        shortDescription: { text: p.description.split(/(?<=\.)\s/)[0] },
        fullDescription: { text: p.description },
        defaultConfiguration: { level: p.enforcementLevel === "mandatory" ? "error" : p.enforcementLevel === "advisory" ? "warning" : "none" },
    }));
}

/** A SARIF 2.1.0 log of one tagguard run. */
export function sarifLog(version: string, rules: ReportingDescriptor[], results: Result[], properties: Record<string, unknown>): Log {
    return {
        version: "2.1.0",
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [{ tool: { driver: { name: "tagguard", semanticVersion: version, version, rules } }, results, properties }],
    };
}

export function formatSarif(report: CheckReport, policies: readonly PolicyInfo[], programFile: string): Log {
    const rules = sarifRules(policies);
    if (report.notCheckedOffline.length) {
        rules.push({ id: NOT_CHECKED_RULE, name: NOT_CHECKED_RULE, shortDescription: { text: "A component whose resources tagguard check cannot see offline." }, fullDescription: { text: `A multi-language component, or one a provider-side tool renders (a Helm v3 chart): ${UNCHECKED_ADVICE}.` }, defaultConfiguration: { level: "warning" } });
    }
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const uri = path.relative(process.cwd(), programFile).split(path.sep).join("/");
    const results: Result[] = report.violations.map((v) => ({
        ruleId: v.policy,
        ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        ...(v.baseline ? { baselineState: v.baseline === "existing" ? "unchanged" as const : "new" as const } : {}),
        message: { text: `${v.type} ${v.name}: ${v.message}` },
        locations: [{
            physicalLocation: v.location
                ? { artifactLocation: { uri: fromCwd(report.projectDir, v.location), uriBaseId: "%SRCROOT%" }, region: { startLine: v.location.line, startColumn: Math.max(1, v.location.column) } }
                : { artifactLocation: { uri, uriBaseId: "%SRCROOT%" } },
            logicalLocations: [{ fullyQualifiedName: v.urn, name: v.name, kind: "resource" }],
        }],
        ...(v.definedAt ? { relatedLocations: [{ id: 1, message: { text: "created here, inside the component" }, physicalLocation: { artifactLocation: { uri: fromCwd(report.projectDir, v.definedAt), uriBaseId: "%SRCROOT%" }, region: { startLine: v.definedAt.line, startColumn: Math.max(1, v.definedAt.column) } } }] } : {}),
        partialFingerprints: { "tagguard/finding": findingKey({ ...v, subject: v.urn }) },
    }));
    for (const c of report.notCheckedOffline) {
        results.push({
            ruleId: NOT_CHECKED_RULE,
            ruleIndex: ruleIndex.get(NOT_CHECKED_RULE),
            level: "warning",
            message: { text: `${c.type} ${c.name}: not checked offline${c.reason ? ` (${c.reason})` : ""}: ${UNCHECKED_ADVICE}.` },
            locations: [{
                physicalLocation: c.location
                    ? { artifactLocation: { uri: fromCwd(report.projectDir, c.location), uriBaseId: "%SRCROOT%" }, region: { startLine: c.location.line, startColumn: Math.max(1, c.location.column) } }
                    : { artifactLocation: { uri, uriBaseId: "%SRCROOT%" } },
                logicalLocations: [{ fullyQualifiedName: c.urn, name: c.name, kind: "resource" }],
            }],
            partialFingerprints: { "tagguard/urn+policy": `${c.urn}|${NOT_CHECKED_RULE}` },
        });
    }
    return sarifLog(report.policyPack.version, rules, results, { project: report.project, stack: report.stack, summary: report.summary });
}
