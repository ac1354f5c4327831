/** `tagguard check` output formats: text (like a Pulumi preview's Policies section), json, sarif, github. */
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PolicyInfo } from "../engine/analyzer-client";
import type { CheckReport, CheckViolation } from "./report";

export const FORMATS = ["text", "json", "sarif", "github"] as const;
export type Format = (typeof FORMATS)[number];

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");

function indent(text: string, spaces: number): string {
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
            lines.push(`        - [${v.enforcementLevel}]  ${v.policy}  (${v.type}: ${v.name})`);
            lines.push(indent(v.message, 10));
        }
    }
    const s = report.summary;
    lines.push("");
    lines.push(`Attribution: ${s.attributable} of ${s.inScope} resources in scope carry the full tag set (${pct(s.attributable, s.inScope)}); ${s.resources} resources registered.`);
    lines.push(`Violations: ${s.violations.mandatory} mandatory, ${s.violations.advisory} advisory.${failed ? " A `pulumi preview --policy-pack` would fail." : ""}`);
    for (const w of report.warnings) lines.push(`warning: ${w}`);
    return lines.join("\n");
}

/** GitHub Actions workflow commands: one annotation per violation. */
export function formatGithub(report: CheckReport, programFile: string): string {
    const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    const escapeProp = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
    const file = path.relative(process.cwd(), programFile);
    const lines = report.violations.map((v) => {
        const kind = v.enforcementLevel === "mandatory" ? "error" : "warning";
        return `::${kind} file=${escapeProp(file)},title=${escapeProp(`tagguard ${v.policy}: ${v.type} ${v.name}`)}::${escapeData(`${v.urn}\n${v.message}`)}`;
    });
    const s = report.summary;
    lines.push(`::notice title=tagguard attribution::${s.attributable} of ${s.inScope} resources in scope are attributable; ${s.violations.mandatory} mandatory and ${s.violations.advisory} advisory violations`);
    return lines.join("\n");
}

/** SARIF 2.1.0 for code scanning: one rule per policy, one result per violation, the resource as a logical location. */
export function formatSarif(report: CheckReport, policies: readonly PolicyInfo[], programFile: string): Log {
    const rules: ReportingDescriptor[] = policies.map((p) => ({
        id: p.name,
        name: p.name,
        shortDescription: { text: p.description.split(/(?<=\.)\s/)[0] },
        fullDescription: { text: p.description },
        defaultConfiguration: { level: p.enforcementLevel === "mandatory" ? "error" : p.enforcementLevel === "advisory" ? "warning" : "none" },
    }));
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
