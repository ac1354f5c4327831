/** `tagguard report` output formats: text, json (stable), csv (chargeback records), html (one self-contained file). */
import { csvRow, html as esc, jsonText, visible as v } from "../output";
import type { AttributionReport, Breakdown } from "./report";

export const REPORT_FORMATS = ["text", "json", "csv", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** Bumped when a field of the JSON output changes meaning or goes away. */
export const REPORT_JSON_VERSION = 1;

/** What `--format json` writes (`schemas/report.schema.json`): the report without its per-day series. */
export type ReportJson = { reportVersion: number } & Omit<AttributionReport, "dailyByModel">;

const money = (n: number, currency: string): string => `${n < 0 ? "-" : ""}${v(currency, { max: 12 })} ${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function formatReportText(r: AttributionReport): string {
    const m = (n: number): string => money(n, r.currency);
    const lines = [
        `Cost attribution (${r.costMeasure === "effective" ? "EffectiveCost, amortized" : "BilledCost, as invoiced"}${r.period ? `, ${v(r.period)}` : ""}): total ${m(r.total)}`,
        `  usage ${m(r.usageTotal)}: attributed ${m(r.attributed)} (${pct(r.coverageAll)}), unallocated ${m(r.unallocated)}`,
        ...r.separateLines.map((s) => `  ${v(s.key)} (not spread over models) ${m(s.cost)}`),
        "",
        "Coverage of usage cost by required key:",
        ...r.coverage.map((c) => `  ${c.key.padEnd(16)} ${pct(c.fraction).padStart(7)}${c.presentInExport ? "" : "   never present in the export (not activated as a cost allocation tag?)"}`),
    ];
    const table = (title: string, rows: Breakdown[]): void => {
        lines.push("", `${title}:`);
        const keys = rows.map((b) => v(b.key, { max: 60 }));
        const width = Math.max(...keys.map((k) => k.length), 4);
        rows.forEach((b, i) => lines.push(`  ${keys[i].padEnd(width)}  ${m(b.cost).padStart(16)}`));
    };
    table("By model", r.byModel);
    table("By team", r.byTeam);
    table("By lifecycle phase", r.byPhase);
    table("By environment", r.byEnvironment);
    table("By service", r.byService);
    if (r.keyVariants.length) lines.push("", "Tag keys normalized:", ...r.keyVariants.map((kv) => `  ${kv.key} <- ${kv.variants.map((x) => `"${v(x, { quoted: true })}"`).join(", ")}`));
    if (r.topUntagged.length) {
        lines.push("", "Top resources without the full tag set:");
        for (const u of r.topUntagged.slice(0, 10)) lines.push(`  ${m(u.cost).padStart(14)}  ${v(u.resourceId)}  (missing ${u.missing.join(", ")})`);
    }
    const a = r.sharedAllocation;
    if (a.teams.length) {
        lines.push("", `Shared cost ${m(a.shared)} split ${a.method}:`);
        for (const t of a.teams) lines.push(`  ${v(t.team, { max: 60 }).padEnd(16)} before ${m(t.before).padStart(14)}   allocated ${m(t.allocated).padStart(14)}   after ${m(t.after).padStart(14)}`);
    }
    if (r.anomalies.length) {
        lines.push("", "Cost anomalies:");
        for (const x of r.anomalies) lines.push(`  ${x.level.padEnd(8)} ${v(x.model)} ${v(x.day)}: ${m(x.cost)} against a baseline of ${m(x.baseline)} (z = ${x.zScore.toFixed(1)})`);
    }
    if (r.expiredBilling.length) {
        lines.push("", "Still billing after expires_at:");
        for (const e of r.expiredBilling) lines.push(`  ${e.resourceId === null ? "(no resource id)" : v(e.resourceId)} (${e.model === null ? "no model" : v(e.model)}): ${m(e.costAfterExpiry)} after ${v(e.expiresAt)}, last billed ${v(e.lastDay)}`);
    }
    const rec = r.reconciliation;
    lines.push("", `Reconciliation: attributed ${rec.attributed} + unallocated ${rec.unallocated} + separate lines ${rec.separateLines} = ${rec.total} (${rec.balanced ? "balances to the cent" : "DOES NOT BALANCE"})`);
    if (rec.skippedReason) lines.push(`  left out: ${v(rec.skippedReason, { max: 400 })}`);
    if (rec.unparsableTags.lines) lines.push(`  ${rec.unparsableTags.lines} lines (${m(rec.unparsableTags.cost)}) have tags that are not JSON: counted as unallocated`);
    for (const n of r.notes) lines.push(`note: ${v(n, { max: 400 })}`);
    return lines.join("\n");
}

/** Chargeback records: billing period, team, cost category (lifecycle phase), model, amount. */
export function formatChargebackCsv(r: AttributionReport): string {
    return [csvRow(["billing_period", "team", "cost_category", "model_id", `amount_${r.currency.toLowerCase()}`]), ...r.chargeback.map((c) => csvRow([c.billingPeriod, c.team, c.costCategory, c.model, c.amount.toFixed(2)]))].join("\n");
}

const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#4b5563"];

function barChart(title: string, rows: Breakdown[], currency: string): string {
    const shown = rows.slice(0, 12);
    const max = Math.max(...shown.map((b) => Math.abs(b.cost)), 1e-9);
    const height = shown.length * 26 + 10;
    const bars = shown.map((b, i) => {
        const w = Math.max(1, (Math.abs(b.cost) / max) * 420);
        const color = b.key === "unallocated" ? "#9ca3af" : PALETTE[i % PALETTE.length];
        return `<text x="0" y="${i * 26 + 20}" class="label">${esc(b.key)}</text><rect x="180" y="${i * 26 + 6}" width="${w.toFixed(1)}" height="18" fill="${color}"/><text x="${(186 + w).toFixed(1)}" y="${i * 26 + 20}" class="value">${esc(money(b.cost, currency))}</text>`;
    }).join("");
    return `<section><h2>${esc(title)}</h2><svg viewBox="0 0 760 ${height}" width="760" height="${height}" role="img" aria-label="${esc(title)}">${bars}</svg></section>`;
}

function trendChart(r: AttributionReport): string {
    const days = [...new Set(r.dailyByModel.map((d) => d.day))].sort();
    if (days.length < 2) return "";
    const models = [...new Set(r.dailyByModel.map((d) => d.model))].slice(0, 8);
    const max = Math.max(...r.dailyByModel.map((d) => d.cost), 1e-9);
    const x = (day: string): number => 50 + (days.indexOf(day) / (days.length - 1)) * 680;
    const y = (cost: number): number => 230 - (Math.max(cost, 0) / max) * 210;
    const lines = models.map((model, i) => {
        const points = r.dailyByModel.filter((d) => d.model === model).map((d) => `${x(d.day).toFixed(1)},${y(d.cost).toFixed(1)}`).join(" ");
        return `<polyline points="${points}" fill="none" stroke="${model === "unallocated" ? "#9ca3af" : PALETTE[i % PALETTE.length]}" stroke-width="2"/>` +
            `<text x="740" y="${20 + i * 16}" class="legend" fill="${model === "unallocated" ? "#6b7280" : PALETTE[i % PALETTE.length]}">${esc(model)}</text>`;
    }).join("");
    const axis = `<line x1="50" y1="230" x2="730" y2="230" stroke="#9ca3af"/><text x="50" y="248" class="value">${esc(days[0])}</text><text x="730" y="248" class="value" text-anchor="end">${esc(days[days.length - 1])}</text><text x="54" y="16" class="value">${esc(money(max, r.currency))} a day</text>`;
    return `<section><h2>Daily cost by model</h2><svg viewBox="0 0 900 260" width="900" height="260" role="img" aria-label="Daily cost by model">${axis}${lines}</svg></section>`;
}

/** One self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched at view time. */
export function formatReportHtml(r: AttributionReport): string {
    const m = (n: number): string => esc(money(n, r.currency));
    const rec = r.reconciliation;
    const coverageRows = r.coverage.map((c) => `<tr><td>${esc(c.key)}</td><td class="num">${pct(c.fraction)}</td><td>${c.presentInExport ? "" : "never present in the export"}</td></tr>`).join("");
    const untagged = r.topUntagged.slice(0, 10).map((u) => `<tr><td class="num">${m(u.cost)}</td><td>${esc(u.resourceId)}</td><td>${esc(u.missing.join(", "))}</td></tr>`).join("");
    const anomalies = r.anomalies.map((a) => `<tr><td>${esc(a.level)}</td><td>${esc(a.model)}</td><td>${esc(a.day)}</td><td class="num">${m(a.cost)}</td><td class="num">${m(a.baseline)}</td><td class="num">${a.zScore.toFixed(1)}</td></tr>`).join("");
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tagguard cost attribution</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#111827;max-width:960px}
h1{font-size:22px}h2{font-size:16px;margin-top:28px}
.kpis{display:flex;gap:16px;flex-wrap:wrap}.kpi{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left}.num{text-align:right}
.label,.value,.legend{font-size:12px;font-family:inherit}.label{fill:#111827}.value{fill:#374151}
.ok{color:#16a34a}.bad{color:#dc2626}
</style></head><body>
<h1>Cost attribution${r.period ? ` ${esc(r.period)}` : ""}</h1>
<p>Cost measure: <b>${r.costMeasure === "effective" ? "EffectiveCost (amortized)" : "BilledCost (as invoiced)"}</b>, ${esc(r.currency)}.</p>
<div class="kpis"><div class="kpi">Total<b>${m(r.total)}</b></div><div class="kpi">Usage attributed<b>${pct(r.coverageAll)}</b></div>
<div class="kpi">Unallocated usage<b>${m(r.unallocated)}</b></div>${r.separateLines.map((s) => `<div class="kpi">${esc(s.key)}<b>${m(s.cost)}</b></div>`).join("")}</div>
<p>Reconciliation: attributed ${esc(rec.attributed)} + unallocated ${esc(rec.unallocated)} + separate lines ${esc(rec.separateLines)} = ${esc(rec.total)}
<span class="${rec.balanced ? "ok" : "bad"}">${rec.balanced ? "balances to the cent" : "does not balance"}</span>${rec.skippedReason ? `; left out: ${esc(rec.skippedReason)}` : ""}</p>
${barChart("By model", r.byModel, r.currency)}${barChart("By team", r.byTeam, r.currency)}${barChart("By lifecycle phase", r.byPhase, r.currency)}${barChart("By service", r.byService, r.currency)}
${trendChart(r)}
<section><h2>Coverage of usage cost by required key</h2><table><tr><th>key</th><th>coverage</th><th></th></tr>${coverageRows}</table></section>
${untagged ? `<section><h2>Top resources without the full tag set</h2><table><tr><th>cost</th><th>resource</th><th>missing</th></tr>${untagged}</table></section>` : ""}
${anomalies ? `<section><h2>Cost anomalies</h2><table><tr><th>level</th><th>model</th><th>day</th><th>cost</th><th>baseline</th><th>z</th></tr>${anomalies}</table></section>` : ""}
<p style="color:#6b7280;font-size:12px">Generated by tagguard report.</p>
</body></html>
`;
}

export function renderReport(r: AttributionReport, format: ReportFormat): string {
    switch (format) {
        case "json": {
            const { dailyByModel: _daily, ...stable } = r;
            const out: ReportJson = { reportVersion: REPORT_JSON_VERSION, ...stable };
            return jsonText(out);
        }
        case "csv": return formatChargebackCsv(r);
        case "html": return formatReportHtml(r);
        case "text": return formatReportText(r);
    }
}
