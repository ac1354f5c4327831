/** `tagguard report` output formats: text, json (stable), csv (chargeback records), html (one self-contained file). */
import { csvRow, html as esc, jsonText, visible as v } from "../output";
import type { Delta, ModelEconomics, TeamShowback } from "./economics";
import type { AttributionReport, Breakdown } from "./report";
import { SCHEMA_NAMES } from "./sources";
import type { IdleMode } from "./split";

export const REPORT_FORMATS = ["text", "json", "csv", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** Bumped when a field of the JSON output changes meaning or goes away. */
export const REPORT_JSON_VERSION = 1;

/** What `--format json` writes (`schemas/report.schema.json`): the report without its per-day series. */
export type ReportJson = { reportVersion: number } & Omit<AttributionReport, "dailyByModel">;

const money = (n: number, currency: string): string => `${n < 0 ? "-" : ""}${v(currency, { max: 12 })} ${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (n: number, currency: string): string => `${n >= 0 ? "+" : ""}${money(n, currency)}`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const signedPct = (x: number | null, change = 1): string => (x === null ? (change === 0 ? "±0%" : "new") : `${x >= 0 ? "+" : ""}${(100 * x).toFixed(0)}%`);

/** "fraud-xgb-v3 training +USD 4,210.00 (+38%), mostly EC2" */
export function changeLine(c: TeamShowback["changes"][number], currency: string): string {
    return `${v(c.model)} ${v(c.phase)} ${signed(c.change, currency)} (${signedPct(c.changePct)})${c.mostly ? `, mostly ${v(c.mostly)}` : ""}`;
}

function economicsRow(m: ModelEconomics, currency: string): string {
    const parts = [
        `${v(m.model, { max: 40 }).padEnd(24)} ${money(m.cost, currency).padStart(16)}`,
        m.costPer1k === null ? "per 1k n/a" : `per 1k ${money(m.costPer1k, currency)}`,
        m.roi === null ? "ROI n/a" : `ROI ${m.roi.toFixed(1)}x`,
        m.efficiency ?? "",
        m.grade ? `grade ${m.grade}` : "",
        m.priority ? `priority ${m.priority}` : "",
    ];
    return `  ${parts.filter(Boolean).join("  ")}`;
}

function teamText(t: TeamShowback, currency: string): string[] {
    const m = (n: number): string => money(n, currency);
    const lines = [`Team ${v(t.team)} (${t.billingPeriod}): ${m(t.total)} (direct ${m(t.direct)}, shared ${m(t.sharedReceived)})${t.previousCost === null ? "" : `; ${t.previousBillingPeriod}: ${m(t.previousCost)}, ${signed(t.change ?? 0, currency)} (${signedPct(t.changePct, t.change ?? 0)})`}`];
    if (t.sharedPooled) lines.push(`  its shared cost ${m(t.sharedPooled)} (model_id = shared) is split across the teams with models`);
    if (t.highestCostModel) lines.push(`  highest cost: ${v(t.highestCostModel.model)} ${m(t.highestCostModel.cost)}`);
    if (t.optimisationTargets.length) lines.push(`  optimise first: ${t.optimisationTargets.map((x) => v(x)).join(", ")}`);
    for (const c of t.changes.slice(0, 3)) lines.push(`  ${changeLine(c, currency)}`);
    for (const e of t.models) lines.push(economicsRow(e, currency));
    return lines;
}

/** How idle capacity was treated, as every format names it. */
export function idleModeText(idle: IdleMode): string {
    return idle === "separate"
        ? "idle capacity reported apart, on the nodes' own tags (--idle separate)"
        : "idle capacity spread over the pods, as AWS does (--idle share)";
}

/** Breakdown entries on one line: "llama-ft USD 2.24, ranker USD 1.12". */
const inline = (rows: readonly Breakdown[], currency: string, max = 8): string =>
    `${rows.slice(0, max).map((b) => `${v(b.key, { max: 40 })} ${money(b.cost, currency)}`).join(", ")}${rows.length > max ? `, and ${rows.length - max} more` : ""}`;

const plural = (n: number, noun: string): string => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

/** The per-cluster view of split cost allocation data. */
function clustersText(r: AttributionReport): string[] {
    if (!r.split) return [];
    const m = (n: number): string => money(n, r.currency);
    const lines = ["", `Shared EKS clusters (split cost allocation data: ${plural(r.split.nodeHours, "node-hour")} apportioned to ${plural(r.split.pods, "pod")} by their share; ${idleModeText(r.split.idle)}; cluster components are kube-system's and the like, on the nodes' own tags):`];
    for (const c of r.clusters) {
        const separate = r.split.idle === "separate";
        const where = c.fargate ? ` (EC2 nodes ${m(c.nodeCost)}, Fargate pods ${m(c.fargate)})` : " on its nodes";
        lines.push(`  ${v(c.cluster, { max: 100 })}: ${m(c.cost)}${where} = labelled pods ${m(c.allocated)} + unlabelled pods ${m(c.unlabelled)} + cluster components ${m(c.system)}${separate ? ` + idle ${m(c.idle)}` : `; idle ${m(c.idle)} of it spread over the pods`}`);
        if (c.byModel.length) lines.push(`    by model: ${inline(c.byModel, r.currency)}`);
        if (c.byTeam.length) lines.push(`    by team: ${inline(c.byTeam, r.currency)}`);
        if (c.byPhase.length) lines.push(`    by lifecycle phase: ${inline(c.byPhase, r.currency)}`);
        if (c.idleByNodePool.length) lines.push(`    idle by node pool: ${inline(c.idleByNodePool, r.currency)}`);
        if (c.unlabelledWorkloads.length) {
            lines.push("    unlabelled workloads (pods without the full valid set: label their pod templates):");
            for (const w of c.unlabelledWorkloads.slice(0, 10)) lines.push(`      ${m(w.cost).padStart(14)}  ${v(w.namespace, { max: 63 })}/${v(w.workload, { max: 120 })}`);
            if (c.unlabelledWorkloads.length > 10) lines.push(`      and ${c.unlabelledWorkloads.length - 10} more`);
        }
        for (const u of c.unsplitNodes.slice(0, 5)) lines.push(`    node ${v(u.node, { max: 80 })}: ${m(u.cost)} over ${u.days} day${u.days === 1 ? "" : "s"} in hours without pod rows (no pods scheduled, or their split rows are not in these files), left on the node's own tags`);
        if (c.unsplitNodes.length > 5) lines.push(`    and ${c.unsplitNodes.length - 5} more nodes with hours without pod rows`);
        if (c.orphanPodRows) lines.push(`    ${c.orphanPodRows} pod row${c.orphanPodRows === 1 ? "" : "s"} name nodes whose own lines are not in these files: not apportioned`);
    }
    return lines;
}

export function formatReportText(r: AttributionReport, team?: string): string {
    const m = (n: number): string => money(n, r.currency);
    if (team !== undefined) {
        const page = r.teams.find((t) => t.team === team);
        return page ? teamText(page, r.currency).join("\n") : `No attributed cost for team ${v(team)} in ${r.periods[r.periods.length - 1] ?? "the exports"}.`;
    }
    const lines = [
        `Cost attribution (${SCHEMA_NAMES[r.schema]} export, ${r.costMeasure === "effective" ? "EffectiveCost, amortized" : "BilledCost, as invoiced"}, ${r.periods.length ? r.periods.join(", ") : "no billing period"}): total ${m(r.total)}`,
        `  usage ${m(r.usageTotal)}: attributed ${m(r.attributed)} (${pct(r.coverageAll)}), unallocated ${m(r.unallocated)}`,
        ...r.separateLines.map((s) => `  ${v(s.key)} (not spread over models) ${m(s.cost)}`),
        "",
        "Coverage of positive usage cost by required key (valid value; present but invalid):",
        ...r.coverage.map((c) => `  ${c.key.padEnd(16)} ${pct(c.fraction).padStart(7)}${c.invalidFraction ? `   invalid ${pct(c.invalidFraction)} (${c.invalidValues.map((x) => `"${v(x, { quoted: true, max: 30 })}"`).join(", ")})` : ""}${c.presentInExport ? "" : "   never present in the export (not activated as a cost allocation tag?)"}`),
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
    if (r.models.length) {
        lines.push("", "Unit economics (cost per 1,000 predictions, ROI, efficiency, grade, optimisation priority):");
        for (const period of r.periods) {
            const list = r.models.filter((x) => x.billingPeriod === period);
            if (list.length) lines.push(` ${period}`, ...list.map((x) => economicsRow(x, r.currency)));
        }
    }
    if (r.monthOverMonth) {
        const mom = r.monthOverMonth;
        const show = (title: string, ds: Delta[]): void => {
            lines.push(`  ${title}: ${ds.slice(0, 5).map((d) => `${v(d.key)} ${signed(d.change, r.currency)} (${signedPct(d.changePct, d.change)})`).join("; ")}`);
        };
        lines.push("", `Month over month (${mom.previous} -> ${mom.current}):`);
        show("by model", mom.byModel);
        show("by lifecycle phase", mom.byPhase);
        show("by service", mom.byService);
    }
    lines.push(...clustersText(r));
    if (r.teams.length) {
        lines.push("", "Team showback:");
        for (const t of r.teams) lines.push(...teamText(t, r.currency).map((l) => `  ${l}`));
    }
    const renamed = r.keyVariants.filter((kv) => kv.variants.some((x) => x !== kv.key));
    if (renamed.length) lines.push("", "Tag keys normalized:", ...renamed.map((kv) => `  ${kv.key} <- ${kv.variants.map((x) => `"${v(x, { quoted: true })}"`).join(", ")}`));
    if (r.topUntagged.length) {
        lines.push("", "Top resources without the full valid tag set:");
        for (const u of r.topUntagged.slice(0, 10)) lines.push(`  ${m(u.cost).padStart(14)}  ${v(u.resourceId)}  (missing or invalid ${u.missing.join(", ")})`);
    }
    const a = r.sharedAllocation;
    if (a.teams.length && a.shared) {
        lines.push("", `Shared cost ${m(a.shared)} split ${a.method}:`);
        for (const t of a.teams) lines.push(`  ${v(t.team, { max: 60 }).padEnd(16)} before ${m(t.before).padStart(14)}   removed ${m(t.removed).padStart(14)}   received ${m(t.received).padStart(14)}   after ${m(t.after).padStart(14)}`);
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

/**
 * Chargeback records: period, source and target team, cost category, model, amount, units, unit type,
 * unit rate; and for cost apportioned on a shared EKS cluster, the cluster and how idle capacity was treated.
 */
export function formatChargebackCsv(r: AttributionReport, team?: string): string {
    const rows = r.chargeback.filter((c) => team === undefined || c.targetTeam === team);
    return [
        csvRow(["billing_period", "source_team", "target_team", "cost_category", "model_id", `amount_${r.currency.toLowerCase()}`, "units", "unit_type", "unit_rate", "cluster", "idle_mode"]),
        ...rows.map((c) => csvRow([c.billingPeriod, c.sourceTeam, c.targetTeam, c.costCategory, c.model, c.amount.toFixed(2), c.units === null ? null : String(Number(c.units.toFixed(4))), c.unitType, c.unitRate === null ? null : String(Number(c.unitRate.toFixed(6))), c.cluster, c.cluster === null || !r.split ? null : r.split.idle])),
    ].join("\n");
}

/** A colour per key, the same in every chart: keys in one fixed order, `unallocated` always grey. */
function colours(keys: readonly string[]): (key: string) => string {
    const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#65a30d", "#4f46e5", "#0d9488", "#b45309"];
    const order = new Map([...new Set(keys)].filter((k) => k !== "unallocated").sort().map((k, i) => [k, i]));
    return (key) => (key === "unallocated" ? "#9ca3af" : PALETTE[(order.get(key) ?? 0) % PALETTE.length]);
}

function barChart(title: string, rows: Breakdown[], currency: string, colour: (key: string) => string): string {
    const shown = rows.slice(0, 12);
    if (!shown.length) return "";
    const max = Math.max(...shown.map((b) => Math.abs(b.cost)), 1e-9);
    const height = shown.length * 26 + 10;
    const bars = shown.map((b, i) => {
        const w = Math.max(1, (Math.abs(b.cost) / max) * 420);
        return `<text x="0" y="${i * 26 + 20}" class="label">${esc(b.key, 28)}</text><rect x="190" y="${i * 26 + 6}" width="${w.toFixed(1)}" height="18" fill="${colour(b.key)}"/><text x="${(196 + w).toFixed(1)}" y="${i * 26 + 20}" class="value">${esc(money(b.cost, currency))}</text>`;
    }).join("");
    return `<section><h2>${esc(title)}</h2><svg viewBox="0 0 760 ${height}" width="760" height="${height}" role="img" aria-label="${esc(title)}">${bars}</svg></section>`;
}

/** Models drawn apart in the daily chart; the rest share one stack segment (a chart of hundreds of colours says nothing). */
const DAILY_CHART_MODELS = 11;

/** Daily cost by model as stacked bars (the largest models, then the others together), with a legend carrying each total. */
function dailyChart(r: AttributionReport, colour: (key: string) => string): string {
    const days = [...new Set(r.dailyByModel.map((d) => d.day))].sort();
    if (days.length < 2) return "";
    const totalsByModel = new Map<string, number>();
    for (const d of r.dailyByModel) totalsByModel.set(d.model, (totalsByModel.get(d.model) ?? 0) + d.cost);
    const ranked = [...totalsByModel].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([k]) => k);
    const others = ranked.length > DAILY_CHART_MODELS + 1 ? ranked.slice(DAILY_CHART_MODELS) : [];
    const OTHERS = `${others.length} other models`;
    const models = others.length ? [...ranked.slice(0, DAILY_CHART_MODELS), OTHERS] : ranked;
    if (others.length) totalsByModel.set(OTHERS, others.reduce((sum, m) => sum + totalsByModel.get(m)!, 0));
    const inOthers = new Set(others);
    const fill = (model: string): string => (model === OTHERS ? "#d1d5db" : colour(model));
    // Each day's cost per drawn model, indexed once: the chart is linear in the report's rows.
    const cell = new Map<string, number>();
    for (const d of r.dailyByModel) {
        const key = `${d.day}\u0000${inOthers.has(d.model) ? OTHERS : d.model}`;
        cell.set(key, (cell.get(key) ?? 0) + d.cost);
    }
    const perDay = new Map(days.map((d) => [d, 0]));
    for (const d of r.dailyByModel) if (d.cost > 0) perDay.set(d.day, perDay.get(d.day)! + d.cost);
    const max = Math.max(...perDay.values(), 1e-9);
    const width = 680 / days.length;
    const bars: string[] = [];
    days.forEach((day, i) => {
        let y = 230;
        for (const model of models) {
            const cost = cell.get(`${day}\u0000${model}`) ?? 0;
            if (cost <= 0) continue;
            const h = (cost / max) * 210;
            y -= h;
            bars.push(`<rect x="${(50 + i * width).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, width - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill(model)}"><title>${esc(`${day} ${model}: ${money(cost, r.currency)}`)}</title></rect>`);
        }
    });
    const legend = models.map((model) => `<li><span class="swatch" style="background:${fill(model)}"></span>${esc(model, 40)} <b>${esc(money(totalsByModel.get(model)!, r.currency))}</b></li>`).join("");
    const axis = `<line x1="50" y1="230" x2="730" y2="230" stroke="#9ca3af"/><text x="50" y="248" class="value">${esc(days[0])}</text><text x="730" y="248" class="value" text-anchor="end">${esc(days[days.length - 1])}</text><text x="54" y="14" class="value">${esc(money(max, r.currency))} a day</text>`;
    return `<section><h2>Daily cost by model</h2><svg viewBox="0 0 760 256" width="760" height="256" role="img" aria-label="Daily cost by model, stacked">${axis}${bars.join("")}</svg><ul class="legend">${legend}</ul></section>`;
}

function table(headers: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
    if (!rows.length) return "";
    return `<table><tr>${headers.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ""}>${esc(h)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`).join("")}</table>`;
}

/** Per shared EKS cluster: one stacked bar of its nodes' cost (models, unlabelled pods, idle), then the tables behind it. */
function clustersHtml(r: AttributionReport, colour: (key: string) => string): string {
    if (!r.split) return "";
    const m = (n: number): string => esc(money(n, r.currency));
    const separate = r.split.idle === "separate";
    const IDLE = "#374151";
    const sections = r.clusters.map((c) => {
        const segments = [
            ...c.byModel.map((b) => ({ key: b.key, cost: b.cost, fill: colour(b.key) })),
            { key: "unlabelled pods", cost: c.unlabelled, fill: colour("unallocated") },
            { key: "cluster components", cost: c.system, fill: "#6b7280" },
            ...(separate ? [{ key: "idle", cost: c.idle, fill: IDLE }] : []),
        ].filter((x) => x.cost > 0);
        const total = segments.reduce((a, x) => a + x.cost, 0);
        let x = 0;
        const rects = segments.map((seg) => {
            const w = total > 0 ? (seg.cost / total) * 740 : 0;
            const rect = `<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="28" fill="${seg.fill}"><title>${esc(`${seg.key}: ${money(seg.cost, r.currency)}`)}</title></rect>`;
            x += w;
            return rect;
        }).join("");
        const legend = segments.map((seg) => `<li><span class="swatch" style="background:${seg.fill}"></span>${esc(seg.key, 40)} <b>${m(seg.cost)}</b></li>`).join("");
        // Labelled pods' cost side by side: by model, by team, by lifecycle phase.
        const breakdowns = table(["model", "cost", "team", "cost", "lifecycle phase", "cost"], Array.from({ length: Math.max(c.byModel.length, c.byTeam.length, c.byPhase.length) }, (_, i) =>
            [c.byModel[i], c.byTeam[i], c.byPhase[i]].flatMap((b) => (b ? [esc(b.key), m(b.cost)] : ["", ""]))), new Set([1, 3, 5]));
        return `<section id="cluster-${esc(c.cluster)}"><h3>${esc(c.cluster)}: ${m(c.cost)} <small>${c.fargate ? `EC2 nodes ${m(c.nodeCost)}, Fargate pods ${m(c.fargate)}` : "on its nodes"}</small></h3>
<div class="kpis"><div class="kpi">Labelled pods<b>${m(c.allocated)}</b></div><div class="kpi">Unlabelled pods<b class="${c.unlabelled > 0 ? "bad" : "ok"}">${m(c.unlabelled)}</b></div><div class="kpi">Cluster components<b>${m(c.system)}</b></div><div class="kpi">Idle ${separate ? "(on the nodes' tags)" : "(spread over the pods)"}<b>${m(c.idle)}</b></div></div>
${segments.length ? `<svg viewBox="0 0 760 32" width="760" height="32" role="img" aria-label="${esc(`${c.cluster}: nodes' cost by model, unlabelled pods${separate ? " and idle capacity" : ""}`)}">${rects}</svg><ul class="legend">${legend}</ul>` : ""}
${breakdowns}
${c.idleByNodePool.length ? `<h4>Idle by node pool</h4>${table(["node pool", "idle"], c.idleByNodePool.map((b) => [esc(b.key), m(b.cost)]), new Set([1]))}` : ""}
${c.unlabelledWorkloads.length ? `<h4>Unlabelled workloads: label their pod templates</h4>${table(["namespace", "workload", "cost"], c.unlabelledWorkloads.slice(0, 20).map((w) => [esc(w.namespace), esc(w.workload, 120), m(w.cost)]), new Set([2]))}` : ""}
${c.unsplitNodes.length ? `<p>Nodes with hours without pod rows (no pods scheduled, or their split rows are not in these files), left on the nodes' own tags: ${c.unsplitNodes.slice(0, 10).map((u) => `<code>${esc(u.node)}</code> ${m(u.cost)}`).join(", ")}</p>` : ""}
${c.orphanPodRows ? `<p>${c.orphanPodRows} pod rows name nodes whose own lines are not in these files: not apportioned.</p>` : ""}</section>`;
    }).join("\n");
    return `<section><h2>Shared EKS clusters</h2><p>Split cost allocation data: ${plural(r.split.nodeHours, "node-hour")} apportioned to ${plural(r.split.pods, "pod")} by their share; ${esc(idleModeText(r.split.idle))}; cluster components (kube-system and the like) on the nodes' own tags.</p>${sections}</section>`;
}

/** One self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched at view time. */
export function formatReportHtml(r: AttributionReport, team?: string): string {
    const m = (n: number): string => esc(money(n, r.currency));
    const rec = r.reconciliation;
    const colour = colours([...r.byModel, ...r.byTeam, ...r.byPhase, ...r.byService].map((b) => b.key));
    const teams = team === undefined ? r.teams : r.teams.filter((t) => t.team === team);
    const economics = (list: ModelEconomics[]): string => table(
        ["period", "model", "team", "cost", "predictions", "per 1,000", "value", "ROI", "efficiency", "grade", "priority"],
        list.map((e) => [esc(e.billingPeriod), esc(e.model), esc(e.team), m(e.cost), e.predictions === null ? "n/a" : esc(e.predictions.toLocaleString("en-US")), e.costPer1k === null ? "n/a" : m(e.costPer1k), e.value === null ? "n/a" : esc(money(e.value, "USD")), e.roi === null ? "n/a" : `${e.roi.toFixed(1)}x`, esc(e.efficiency ?? "n/a"), e.grade ? `<span class="grade g${e.grade}">${e.grade}</span>` : "n/a", e.priority === null ? "" : String(e.priority)]),
        new Set([3, 4, 5, 6, 7, 10]),
    );
    const teamSections = teams.map((t) => `<section id="team-${esc(t.team)}"><h2>Team ${esc(t.team)} <small>${esc(t.billingPeriod)}</small></h2>
<div class="kpis"><div class="kpi">Total<b>${m(t.total)}</b></div><div class="kpi">Direct<b>${m(t.direct)}</b></div><div class="kpi">Shared received<b>${m(t.sharedReceived)}</b></div>${t.previousCost === null ? "" : `<div class="kpi">Since ${esc(t.previousBillingPeriod ?? "")}<b class="${(t.change ?? 0) > 0 ? "bad" : "ok"}">${esc(signed(t.change ?? 0, r.currency))} (${esc(signedPct(t.changePct, t.change ?? 0))})</b></div>`}${t.sharedPooled ? `<div class="kpi">Shared cost pooled<b>${m(t.sharedPooled)}</b></div>` : ""}</div>
${t.optimisationTargets.length ? `<p>Optimise first: <b>${t.optimisationTargets.map((x) => esc(x)).join(", ")}</b></p>` : ""}
${t.changes.length ? `<ul>${t.changes.slice(0, 5).map((c) => `<li>${esc(changeLine(c, r.currency), 300)}</li>`).join("")}</ul>` : ""}
${economics(t.models)}</section>`).join("\n");
    if (team !== undefined && !teams.length) return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tagguard: ${esc(team)}</title></head><body><p>No attributed cost for team ${esc(team)}.</p></body></html>\n`;
    const mom = r.monthOverMonth;
    const momTable = (title: string, ds: Delta[]): string => `<h3>${esc(title)}</h3>${table(["", mom?.previous ?? "", mom?.current ?? "", "change", ""], ds.slice(0, 10).map((d) => [esc(d.key), m(d.previous), m(d.current), `<span class="${d.change > 0 ? "bad" : "ok"}">${esc(signed(d.change, r.currency))}</span>`, esc(signedPct(d.changePct, d.change))]), new Set([1, 2, 3, 4]))}`;
    const title = team === undefined ? "Cost attribution" : `Team ${team}`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tagguard: ${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#111827;max-width:1040px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:16px;margin-top:28px}h3{font-size:14px}small{color:#6b7280;font-weight:normal}
.meta{color:#374151;font-size:13px}.kpis{display:flex;gap:16px;flex-wrap:wrap}.kpi{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left}.num{text-align:right}
.label,.value{font-size:12px;font-family:inherit}.label{fill:#111827}.value{fill:#374151}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
.ok{color:#16a34a}.bad{color:#dc2626}.grade{font-weight:bold}.gA{color:#16a34a}.gB{color:#65a30d}.gC{color:#ca8a04}.gD{color:#dc2626}
nav a{margin-right:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="meta">Billing period${r.periods.length === 1 ? "" : "s"} <b>${esc(r.periods.join(", ") || "none")}</b> · cost measure <b>${r.costMeasure === "effective" ? "EffectiveCost (amortized)" : "BilledCost (as invoiced)"}</b>, ${esc(r.currency)} · ${SCHEMA_NAMES[r.schema]} export${r.schemaFrom === "columns" ? " (told by its columns)" : ""}: ${r.sources.map((s) => `<code>${esc(s)}</code>`).join(", ")}${r.split ? ` · ${esc(idleModeText(r.split.idle))}` : ""}</p>
${team === undefined ? `<nav>Teams: ${r.teams.map((t) => `<a href="#team-${esc(t.team)}">${esc(t.team)}</a>`).join("")}</nav>
<div class="kpis"><div class="kpi">Total<b>${m(r.total)}</b></div><div class="kpi">Usage attributed<b>${pct(r.coverageAll)}</b></div>
<div class="kpi">Unallocated usage<b>${m(r.unallocated)}</b></div>${r.separateLines.map((s) => `<div class="kpi">${esc(s.key)}<b>${m(s.cost)}</b></div>`).join("")}</div>
<p>Reconciliation: attributed ${esc(rec.attributed)} + unallocated ${esc(rec.unallocated)} + separate lines ${esc(rec.separateLines)} = ${esc(rec.total)}
<span class="${rec.balanced ? "ok" : "bad"}">${rec.balanced ? "balances to the cent" : "does not balance"}</span>${rec.skippedReason ? `; left out: ${esc(rec.skippedReason)}` : ""}</p>
${barChart("By model", r.byModel, r.currency, colour)}${barChart("By team", r.byTeam, r.currency, colour)}${barChart("By lifecycle phase", r.byPhase, r.currency, colour)}${barChart("By service", r.byService, r.currency, colour)}
${dailyChart(r, colour)}
${clustersHtml(r, colour)}
<section><h2>Team × model</h2>${table(["team", "model", "cost"], r.byTeamAndModel.map((x) => [esc(x.team), esc(x.model), m(x.cost)]), new Set([2]))}</section>
<section><h2>Unit economics</h2>${economics(r.models) || "<p>No attributed model cost.</p>"}</section>
${mom ? `<section><h2>Month over month: ${esc(mom.previous)} → ${esc(mom.current)}</h2>${momTable("By model", mom.byModel)}${momTable("By lifecycle phase", mom.byPhase)}${momTable("By service", mom.byService)}</section>` : ""}
${r.sharedAllocation.shared ? `<section><h2>Shared cost ${m(r.sharedAllocation.shared)}, split ${esc(r.sharedAllocation.method)}</h2>${table(["team", "before", "removed (its shared cost, pooled)", "received (its part of the pool)", "after"], r.sharedAllocation.teams.map((t) => [esc(t.team), m(t.before), m(-t.removed), m(t.received), m(t.after)]), new Set([1, 2, 3, 4]))}</section>` : ""}
<section><h2>Coverage of positive usage cost by required key</h2>${table(["key", "valid", "present but invalid", ""], r.coverage.map((c) => [esc(c.key), pct(c.fraction), c.invalidFraction ? `${pct(c.invalidFraction)} (${esc(c.invalidValues.join(", "))})` : "", c.presentInExport ? "" : "never present in the export"]), new Set([1, 2]))}</section>
${r.topUntagged.length ? `<section><h2>Top resources without the full valid tag set</h2>${table(["cost", "resource", "missing or invalid"], r.topUntagged.slice(0, 10).map((u) => [m(u.cost), esc(u.resourceId), esc(u.missing.join(", "))]), new Set([0]))}</section>` : ""}
${r.anomalies.length ? `<section><h2>Cost anomalies</h2>${table(["level", "model", "day", "cost", "baseline", "z"], r.anomalies.map((a) => [esc(a.level), esc(a.model), esc(a.day), m(a.cost), m(a.baseline), a.zScore.toFixed(1)]), new Set([3, 4, 5]))}</section>` : ""}` : ""}
${teamSections}
<p style="color:#6b7280;font-size:12px">Generated by tagguard report.</p>
</body></html>
`;
}

export function renderReport(r: AttributionReport, format: ReportFormat, team?: string): string {
    switch (format) {
        case "json": {
            const { dailyByModel: _daily, ...stable } = r;
            const out: ReportJson = { reportVersion: REPORT_JSON_VERSION, ...stable, ...(team === undefined ? {} : { teams: r.teams.filter((t) => t.team === team), chargeback: r.chargeback.filter((c) => c.targetTeam === team) }) };
            return jsonText(out);
        }
        case "csv": return formatChargebackCsv(r, team);
        case "html": return formatReportHtml(r, team);
        case "text": return formatReportText(r, team);
    }
}
