/** `tagguard check` output formats: text (like a Pulumi preview's Policies section), json, sarif, github. */
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PolicyInfo } from "../engine/analyzer-client";
import { githubData, githubProperty, visible, visibleLines } from "../output";
import { UNCHECKED_ADVICE, type CheckReport, type CheckViolation, type UncheckedComponent } from "./report";

/** SARIF rule and GitHub title of components that could not be checked offline. */
export const NOT_CHECKED_RULE = "not-checked-offline";

const where = (c: UncheckedComponent): string => (c.location ? ` at ${c.location.file}:${c.location.line}` : "");

export const FORMATS = ["text", "json", "sarif", "github"] as const;
export type Format = (typeof FORMATS)[number];

export const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");

export function indent(text: string, spaces: number): string {
    return text.split("\n").map((l) => " ".repeat(spaces) + l).join("\n");
}

export function formatText(report: CheckReport): string {
    const lines: string[] = [];
    const failed = report.summary.violations.mandatory > 0;
    lines.push("Policies:");
    lines.push(`    ${failed ? "❌" : "✅"} ${report.policyPack.name}@v${report.policyPack.version} (local: ${path.relative(process.cwd(), report.policyPack.path) || "."})`);
    // Resources in registration order; the stack's own diagnostics (the summary) last, as a preview shows them.
    const order = new Map(report.resources.map((r, i) => [r.urn, r.type === "pulumi:pulumi:Stack" ? Number.MAX_SAFE_INTEGER : i]));
    const byResource = new Map<string, CheckViolation[]>();
    for (const v of report.violations) byResource.set(v.urn, [...(byResource.get(v.urn) ?? []), v]);
    for (const [, vs] of [...byResource].sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))) {
        for (const v of vs) {
            lines.push(`        - [${v.enforcementLevel}]  ${visible(v.policy)}  (${visible(v.type)}: ${visible(v.name)})`);
            lines.push(indent(visibleLines(v.message), 10));
        }
    }
    const s = report.summary;
    if (report.notCheckedOffline.length) {
        lines.push("", `Not checked offline (${report.notCheckedOffline.length} remote component${report.notCheckedOffline.length === 1 ? "" : "s"}; ${UNCHECKED_ADVICE}):`);
        for (const c of report.notCheckedOffline) lines.push(`    ${visible(c.type)} ${visible(c.name)}${visible(where(c))}`);
    }
    lines.push("");
    lines.push(`Attribution: ${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources registered${s.unchecked ? `; ${s.unchecked} remote component${s.unchecked === 1 ? "" : "s"} not checked offline` : ""}.`);
    lines.push(`Violations: ${s.violations.mandatory} mandatory, ${s.violations.advisory} advisory.${failed ? " A `pulumi preview --policy-pack` would fail." : ""}`);
    for (const w of report.warnings) lines.push(`warning: ${visibleLines(w)}`);
    return lines.join("\n");
}

/** GitHub Actions workflow commands: one annotation per violation and per component not checked offline. */
export function formatGithub(report: CheckReport, programFile: string): string {
    const file = path.relative(process.cwd(), programFile);
    const lines = report.violations.map((v) => {
        const kind = v.enforcementLevel === "mandatory" ? "error" : "warning";
        return `::${kind} file=${githubProperty(file)},title=${githubProperty(`tagguard ${v.policy}: ${v.type} ${v.name}`)}::${githubData(`${v.urn}\n${v.message}`)}`;
    });
    for (const c of report.notCheckedOffline) {
        const location = c.location ? `file=${githubProperty(c.location.file)},line=${c.location.line},col=${c.location.column}` : `file=${githubProperty(file)}`;
        lines.push(`::warning ${location},title=${githubProperty(`tagguard ${NOT_CHECKED_RULE}: ${c.type} ${c.name}`)}::${githubData(`${c.urn}\nNot checked offline: ${UNCHECKED_ADVICE}.`)}`);
    }
    const s = report.summary;
    lines.push(`::notice title=tagguard attribution::${s.attributable} of ${s.inScope} resources in scope are attributable; ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations${s.unchecked ? `; ${s.unchecked} remote components not checked offline` : ""}`);
    return lines.join("\n");
}

/** SARIF 2.1.0 for code scanning: one rule per policy, one result per violation, the resource as a logical location. */
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

export function formatSarif(report: CheckReport, policies: readonly PolicyInfo[], programFile: string): Log {
    const rules = sarifRules(policies);
    if (report.notCheckedOffline.length) {
        rules.push({ id: NOT_CHECKED_RULE, name: NOT_CHECKED_RULE, shortDescription: { text: "A remote component whose resources tagguard check cannot see offline." }, fullDescription: { text: `A multi-language component: ${UNCHECKED_ADVICE}.` }, defaultConfiguration: { level: "warning" } });
    }
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const uri = path.relative(process.cwd(), programFile).split(path.sep).join("/");
    const results: Result[] = report.violations.map((v) => ({
        ruleId: v.policy,
        ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: `${v.type} ${v.name}: ${v.message}` },
        locations: [{
            physicalLocation: { artifactLocation: { uri, uriBaseId: "%SRCROOT%" } },
            logicalLocations: [{ fullyQualifiedName: v.urn, name: v.name, kind: "resource" }],
        }],
        partialFingerprints: { "tagguard/urn+policy": `${v.urn}|${v.policy}` },
    }));
    for (const c of report.notCheckedOffline) {
        results.push({
            ruleId: NOT_CHECKED_RULE,
            ruleIndex: ruleIndex.get(NOT_CHECKED_RULE),
            level: "warning",
            message: { text: `${c.type} ${c.name}: not checked offline: ${UNCHECKED_ADVICE}.` },
            locations: [{
                physicalLocation: c.location
                    ? { artifactLocation: { uri: c.location.file, uriBaseId: "%SRCROOT%" }, region: { startLine: c.location.line, startColumn: Math.max(1, c.location.column) } }
                    : { artifactLocation: { uri, uriBaseId: "%SRCROOT%" } },
                logicalLocations: [{ fullyQualifiedName: c.urn, name: c.name, kind: "resource" }],
            }],
            partialFingerprints: { "tagguard/urn+policy": `${c.urn}|${NOT_CHECKED_RULE}` },
        });
    }
    return {
        version: "2.1.0",
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [{
            tool: { driver: { name: "tagguard", semanticVersion: report.policyPack.version, version: report.policyPack.version, rules } },
            results,
            properties: { project: report.project, stack: report.stack, summary: report.summary },
        }],
    };
}
