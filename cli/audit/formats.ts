/** `tagguard audit` output formats. The JSON form is a stable interface (see the README). Every string from the state passes the output-safety layer. */
import { shortUrn } from "../../tagset/urn";
import { csvRow, jsonText, markdown, visible, visibleLines } from "../output";
import type { AuditReport, Tally } from "./audit";

export const AUDIT_FORMATS = ["text", "json", "csv", "markdown"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const pct = (x: number | null): string => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

const BREAKDOWNS: [string, keyof AuditReport][] = [
    ["stack", "byStack"], ["service", "byService"], ["type", "byType"], ["team", "byTeam"], ["model_id", "byModel"], ["lifecycle_phase", "byPhase"], ["namespace", "byNamespace"],
];

const describeExemption = (e: AuditReport["exemptions"][number]): string => [e.urn && `urn ${e.urn}`, e.name && `name ${e.name}`, e.type && `type ${e.type}`].filter(Boolean).join(", ");

export function formatAuditText(r: AuditReport): string {
    const s = r.summary;
    const lines = [`Attribution audit (${r.today}): ${s.attributable} of ${s.inScope} resources in scope are attributable (${pct(s.coverage)}) across ${s.stacks} stack${s.stacks === 1 ? "" : "s"}; ${s.exempt} exempt, ${s.cannotVerify} with values that cannot be verified.`];
    for (const [title, key] of BREAKDOWNS) {
        const rows = r[key] as Tally[];
        if (!rows.length) continue;
        lines.push("", `By ${title}:`);
        const keys = rows.map((t) => visible(t.key, { max: 80 }));
        const width = Math.max(...keys.map((k) => [...k].length));
        rows.forEach((t, i) => lines.push(`  ${keys[i].padEnd(width)}  ${String(t.attributable).padStart(5)} / ${String(t.inScope).padEnd(5)} ${pct(t.coverage).padStart(6)}`));
    }
    if (r.nonCompliant.length) {
        lines.push("", "Not compliant:");
        for (const n of r.nonCompliant) {
            lines.push(`  ${visible(n.stack)}  ${visible(shortUrn(n.urn))}`);
            if (n.missing.length) lines.push(`      missing: ${n.missing.join(", ")}`);
            for (const i of n.invalid) lines.push(`      invalid: ${visible(i, { max: 400 })}`);
            if (n.cannotVerify.length) lines.push(`      cannot verify: ${n.cannotVerify.join(", ")}`);
        }
    }
    if (r.propagationGaps.length) {
        lines.push("", "Propagation gaps (cost that does not reach a tagged resource):");
        for (const g of r.propagationGaps) lines.push(`  [${g.level}] ${visible(g.stack)}  ${visible(shortUrn(g.urn))}: ${visible(g.problem, { max: 600 })}`);
    }
    if (r.expired.length) {
        lines.push("", "Still deployed after their expires_at:");
        for (const e of r.expired) lines.push(`  ${visible(e.stack)}  ${visible(shortUrn(e.urn))} (expires_at ${e.expiresAt})`);
    }
    for (const e of r.exemptions) {
        lines.push("", `Exemption ${e.inForce ? `in force until ${e.expires}` : `expired on ${e.expires}`} (${visible(describeExemption(e))}; ${e.matches} resources): ${visible(e.reason)}`);
    }
    for (const w of r.warnings) lines.push("", `warning: ${visibleLines(w)}`);
    for (const e of r.errors) lines.push("", `error: ${visible(e.file)}: ${visible(e.error, { max: 400 })}`);
    return lines.join("\n");
}

/** One row per non-compliant resource, then one per breakdown row: for spreadsheets (formula prefixes neutralised). */
export function formatAuditCsv(r: AuditReport): string {
    const rows: (string | number | null)[][] = [["section", "stack", "urn", "type", "key", "in_scope", "attributable", "coverage", "missing", "invalid", "cannot_verify"]];
    for (const n of r.nonCompliant) rows.push(["non_compliant", n.stack, n.urn, n.type, "", "", "", "", n.missing.join(" "), n.invalid.join("; "), n.cannotVerify.join(" ")]);
    for (const [title, key] of BREAKDOWNS) for (const t of r[key] as Tally[]) rows.push([`by_${title}`, "", "", "", t.key, t.inScope, t.attributable, t.coverage === null ? "" : t.coverage.toFixed(4), "", "", ""]);
    return rows.map(csvRow).join("\n");
}

export function formatAuditMarkdown(r: AuditReport): string {
    const s = r.summary;
    const lines = [`# Attribution audit, ${r.today}`, "", `**${s.attributable} of ${s.inScope}** resources in scope are attributable (**${pct(s.coverage)}**) across ${s.stacks} stacks; ${s.exempt} exempt; ${s.cannotVerify} cannot be verified.`];
    for (const [title, key] of BREAKDOWNS) {
        const rows = r[key] as Tally[];
        if (!rows.length) continue;
        lines.push("", `## By ${title}`, "", `| ${title} | attributable | in scope | coverage |`, "| --- | ---: | ---: | ---: |");
        for (const t of rows) lines.push(`| ${markdown(t.key)} | ${t.attributable} | ${t.inScope} | ${pct(t.coverage)} |`);
    }
    if (r.nonCompliant.length) {
        lines.push("", "## Not compliant", "", "| stack | resource | missing | invalid | cannot verify |", "| --- | --- | --- | --- | --- |");
        for (const n of r.nonCompliant) lines.push(`| ${markdown(n.stack)} | ${markdown(shortUrn(n.urn))} | ${n.missing.join(", ")} | ${markdown(n.invalid.join("; "), 600)} | ${n.cannotVerify.join(", ")} |`);
    }
    if (r.propagationGaps.length) {
        lines.push("", "## Propagation gaps", "", "| stack | resource | level | problem |", "| --- | --- | --- | --- |");
        for (const g of r.propagationGaps) lines.push(`| ${markdown(g.stack)} | ${markdown(shortUrn(g.urn))} | ${g.level} | ${markdown(g.problem, 600)} |`);
    }
    if (r.expired.length) {
        lines.push("", "## Still deployed after expires_at", "", "| stack | resource | expires_at |", "| --- | --- | --- |");
        for (const e of r.expired) lines.push(`| ${markdown(e.stack)} | ${markdown(shortUrn(e.urn))} | ${e.expiresAt} |`);
    }
    if (r.warnings.length) lines.push("", "## Warnings", "", ...r.warnings.map((w) => `- ${markdown(w, 600)}`));
    if (r.errors.length) lines.push("", "## Inputs that could not be read", "", ...r.errors.map((e) => `- ${markdown(e.file)}: ${markdown(e.error, 600)}`));
    return lines.join("\n");
}

export function renderAudit(r: AuditReport, format: AuditFormat): string {
    switch (format) {
        case "json": return jsonText(r);
        case "csv": return formatAuditCsv(r);
        case "markdown": return formatAuditMarkdown(r);
        case "text": return formatAuditText(r);
    }
}
