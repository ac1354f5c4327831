/**
 * What a team lead and finance ask after "what did each model cost": unit economics per model, team
 * showback with the change since the previous billing period, shared cost split per period, and
 * chargeback records that sum to the cent. Pure functions over the report's aggregates.
 */
import type { ModelEntry, ModelsFile } from "./models";

/** Attributed usage cost (every required key present and valid) by billing period, team, model, phase and service group. */
export interface CostRow {
    period: string;
    team: string;
    model: string;
    phase: string;
    service: string;
    cost: number;
}

export type Efficiency = "HIGH_ROI" | "MODERATE_ROI" | "LOW_ROI" | "LOSS_MAKING";
export type Grade = "A" | "B" | "C" | "D";

export interface ModelEconomics {
    billingPeriod: string;
    model: string;
    /** The models file's `owner_team`, else the team most of the model's cost is tagged with. */
    team: string;
    /** Direct attributed cost in the period (shared cost is not spread over models). */
    cost: number;
    predictions: number | null;
    costPerPrediction: number | null;
    costPer1k: number | null;
    value: number | null;
    /** `(value - cost) / cost`. */
    roi: number | null;
    efficiency: Efficiency | null;
    benchmarkCostPer1k: number | null;
    /** `0.6 * min(ROI / 10, 1) + 0.4 * min(benchmark / cost per 1k, 1)`. */
    score: number | null;
    grade: Grade | null;
    /** 1 = optimise first: loss-making before low ROI before moderate before high, then by cost. */
    priority: number | null;
}

/** Value against cost: above 10x HIGH_ROI, above 3x MODERATE_ROI, above 1x LOW_ROI, else LOSS_MAKING. */
export function efficiencyOf(value: number, cost: number): Efficiency {
    if (value > 10 * cost) return "HIGH_ROI";
    if (value > 3 * cost) return "MODERATE_ROI";
    if (value > cost) return "LOW_ROI";
    return "LOSS_MAKING";
}

/** A above 0.8, B above 0.6, C above 0.4, else D. */
export const gradeOf = (score: number): Grade => (score > 0.8 ? "A" : score > 0.6 ? "B" : score > 0.4 ? "C" : "D");

const SEVERITY: Record<Efficiency, number> = { LOSS_MAKING: 0, LOW_ROI: 1, MODERATE_ROI: 2, HIGH_ROI: 3 };

const sum = (xs: Iterable<number>): number => {
    let total = 0;
    for (const x of xs) total += x;
    return total;
};

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
    const out = new Map<string, T[]>();
    for (const item of items) {
        const k = key(item);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
    }
    return out;
}

export interface EconomicsResult {
    models: ModelEconomics[];
    /** Models the file names that the bill never mentions, and models in the bill the file lacks. */
    unknownModels: string[];
    modelsWithoutEntry: string[];
    notes: string[];
}

/** Unit economics per model and billing period. Missing inputs give null, never a made-up number. */
export function modelEconomics(rows: readonly CostRow[], file: ModelsFile | undefined, currency: string): EconomicsResult {
    const notes: string[] = [];
    const usd = currency === "USD";
    if (file && !usd) notes.push(`the models file gives values in USD but the bill is in ${currency}: value, ROI, efficiency and grades are left out`);
    const billed = [...new Set(rows.filter((r) => r.model !== "shared").map((r) => r.model))].sort();
    const unknownModels = file ? [...file.models.keys()].filter((m) => !billed.includes(m)).sort() : [];
    const modelsWithoutEntry = file ? billed.filter((m) => !file.models.has(m)) : [];
    if (unknownModels.length) notes.push(`the models file names ${unknownModels.length} model${unknownModels.length === 1 ? "" : "s"} the bill does not mention: ${unknownModels.join(", ")}`);
    if (modelsWithoutEntry.length) notes.push(`${modelsWithoutEntry.length} model${modelsWithoutEntry.length === 1 ? "" : "s"} in the bill ${modelsWithoutEntry.length === 1 ? "has" : "have"} no entry in the models file (their economics are null): ${modelsWithoutEntry.join(", ")}`);
    if (!file && billed.length) notes.push("no --models file: predictions, value, ROI and grades are null");

    const models: ModelEconomics[] = [];
    for (const [key, list] of group(rows.filter((r) => r.model !== "shared"), (r) => `${r.period}\u0000${r.model}`)) {
        const [period, model] = key.split("\u0000");
        const entry: ModelEntry | undefined = file?.models.get(model);
        const cost = sum(list.map((r) => r.cost));
        const byTeam = [...group(list, (r) => r.team)].map(([team, rs]) => ({ team, cost: sum(rs.map((r) => r.cost)) })).sort((a, b) => b.cost - a.cost || a.team.localeCompare(b.team));
        const predictions = entry?.monthly_predictions ?? null;
        const costPerPrediction = predictions ? cost / predictions : null;
        const costPer1k = costPerPrediction === null ? null : costPerPrediction * 1000;
        const value = usd ? entry?.monthly_value_usd ?? null : null;
        const roi = value !== null && cost > 0 ? (value - cost) / cost : null;
        const efficiency = value !== null && cost > 0 ? efficiencyOf(value, cost) : null;
        const benchmark = usd ? entry?.benchmark_cost_per_1k_usd ?? null : null;
        const score = roi !== null && benchmark !== null && costPer1k !== null && costPer1k > 0
            ? 0.6 * Math.min(roi / 10, 1) + 0.4 * Math.min(benchmark / costPer1k, 1)
            : null;
        models.push({
            billingPeriod: period, model, team: entry?.owner_team ?? byTeam[0]?.team ?? "", cost,
            predictions, costPerPrediction, costPer1k, value, roi, efficiency, benchmarkCostPer1k: benchmark,
            score, grade: score === null ? null : gradeOf(score), priority: null,
        });
    }
    models.sort((a, b) => a.billingPeriod.localeCompare(b.billingPeriod) || b.cost - a.cost || a.model.localeCompare(b.model));
    for (const [, list] of group(models, (m) => m.billingPeriod)) {
        list.filter((m) => m.efficiency !== null)
            .sort((a, b) => SEVERITY[a.efficiency!] - SEVERITY[b.efficiency!] || b.cost - a.cost || a.model.localeCompare(b.model))
            .forEach((m, i) => (m.priority = i + 1));
    }
    return { models, unknownModels, modelsWithoutEntry, notes };
}

export type AllocationMethod = "even" | "proportional" | "model-count";

export interface SharedSplit {
    team: string;
    /** The team's attributed cost, its own shared-tagged cost included. */
    before: number;
    /** Its shared-tagged cost, pooled. */
    removed: number;
    /** Its part of the pool. */
    received: number;
    after: number;
}

/**
 * The shared pool (`model_id = shared`, and optionally unallocated usage) split across the teams with
 * direct cost. Without such teams nothing is moved.
 */
export function splitShared(rows: readonly CostRow[], method: AllocationMethod, unallocated = 0): { pool: number; teams: SharedSplit[] } {
    const teams = [...new Set(rows.map((r) => r.team))].sort();
    const direct = new Map(teams.map((t) => [t, sum(rows.filter((r) => r.team === t && r.model !== "shared").map((r) => r.cost))]));
    const own = new Map(teams.map((t) => [t, sum(rows.filter((r) => r.team === t && r.model === "shared").map((r) => r.cost))]));
    const models = new Map(teams.map((t) => [t, new Set(rows.filter((r) => r.team === t && r.model !== "shared").map((r) => r.model)).size]));
    const receivers = teams.filter((t) => models.get(t)! > 0);
    const weights = receivers.map((t) => (method === "even" ? 1 : method === "proportional" ? direct.get(t)! : models.get(t)!));
    const weightSum = sum(weights);
    const pool = sum(own.values()) + unallocated;
    if (!receivers.length || weightSum <= 0) {
        return { pool: 0, teams: teams.map((t) => ({ team: t, before: direct.get(t)! + own.get(t)!, removed: 0, received: 0, after: direct.get(t)! + own.get(t)! })) };
    }
    return {
        pool,
        teams: teams.map((t) => {
            const i = receivers.indexOf(t);
            const received = i < 0 ? 0 : (pool * weights[i]) / weightSum;
            return { team: t, before: direct.get(t)! + own.get(t)!, removed: own.get(t)!, received, after: direct.get(t)! + received };
        }),
    };
}

export interface Delta {
    key: string;
    previous: number;
    current: number;
    change: number;
    /** Null when there was nothing before. */
    changePct: number | null;
}

export function deltas(previous: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): Delta[] {
    return [...new Set([...previous.keys(), ...current.keys()])]
        .map((key) => {
            const p = previous.get(key) ?? 0;
            const c = current.get(key) ?? 0;
            return { key, previous: p, current: c, change: c - p, changePct: p > 0 ? (c - p) / p : null };
        })
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.key.localeCompare(b.key));
}

const totals = (rows: readonly CostRow[], key: (r: CostRow) => string): Map<string, number> => {
    const out = new Map<string, number>();
    for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + r.cost);
    return out;
};

export interface MonthOverMonth {
    previous: string;
    current: string;
    byTeam: Delta[];
    byModel: Delta[];
    byPhase: Delta[];
    byService: Delta[];
}

/** Usage cost of two billing periods compared (unallocated cost under `unallocated`). */
export function monthOverMonth(rows: readonly CostRow[], previous: string, current: string): MonthOverMonth {
    const p = rows.filter((r) => r.period === previous);
    const c = rows.filter((r) => r.period === current);
    const by = (key: (r: CostRow) => string): Delta[] => deltas(totals(p, key), totals(c, key));
    return { previous, current, byTeam: by((r) => r.team), byModel: by((r) => r.model), byPhase: by((r) => r.phase), byService: by((r) => r.service) };
}

export interface TeamChange {
    model: string;
    phase: string;
    previous: number;
    current: number;
    change: number;
    changePct: number | null;
    /** The service group most of the change is in. */
    mostly: string | null;
}

export interface TeamShowback {
    team: string;
    billingPeriod: string;
    /** Direct attributed cost, shared cost received, and their sum. */
    direct: number;
    sharedReceived: number;
    total: number;
    /** The team's own shared-tagged cost (`model_id = shared`), pooled and split across the teams with models. */
    sharedPooled: number;
    previousBillingPeriod: string | null;
    previousCost: number | null;
    change: number | null;
    changePct: number | null;
    models: ModelEconomics[];
    highestCostModel: { model: string; cost: number } | null;
    /** Models of the team whose economics say LOW_ROI or LOSS_MAKING. */
    optimisationTargets: string[];
    /** The largest changes against the previous period, by model and lifecycle phase. */
    changes: TeamChange[];
}

/** One page per team: its cost in `current`, its models' economics, and what changed since `previous`. */
export function teamShowback(rows: readonly CostRow[], economics: readonly ModelEconomics[], method: AllocationMethod, current: string, previous: string | null): TeamShowback[] {
    const now = rows.filter((r) => r.period === current);
    const before = previous ? rows.filter((r) => r.period === previous) : [];
    const splitNow = new Map(splitShared(now, method).teams.map((t) => [t.team, t]));
    const splitBefore = new Map(splitShared(before, method).teams.map((t) => [t.team, t]));
    const teams = [...new Set(now.map((r) => r.team))].sort();
    return teams.map((team) => {
        const mine = now.filter((r) => r.team === team);
        const direct = sum(mine.filter((r) => r.model !== "shared").map((r) => r.cost));
        const received = splitNow.get(team)?.received ?? 0;
        const total = direct + received;
        const prior = splitBefore.get(team);
        const previousCost = previous && prior ? prior.after : previous ? 0 : null;
        const models = economics.filter((m) => m.billingPeriod === current && mine.some((r) => r.model === m.model));
        const highest = [...models].sort((a, b) => b.cost - a.cost)[0];
        const key = (r: CostRow): string => `${r.model}\u0000${r.phase}`;
        const changes = previous
            ? deltas(totals(before.filter((r) => r.team === team && r.model !== "shared"), key), totals(mine.filter((r) => r.model !== "shared"), key)).slice(0, 5).map((d) => {
                const [model, phase] = d.key.split("\u0000");
                const byService = deltas(
                    totals(before.filter((r) => r.team === team && r.model === model && r.phase === phase), (r) => r.service),
                    totals(mine.filter((r) => r.model === model && r.phase === phase), (r) => r.service),
                );
                return { model, phase, previous: d.previous, current: d.current, change: d.change, changePct: d.changePct, mostly: byService[0]?.key ?? null };
            })
            : [];
        return {
            team, billingPeriod: current, direct, sharedReceived: received, total, sharedPooled: splitNow.get(team)?.removed ?? 0,
            previousBillingPeriod: previous, previousCost,
            change: previousCost === null ? null : total - previousCost,
            changePct: previousCost ? (total - previousCost) / previousCost : null,
            models,
            highestCostModel: highest ? { model: highest.model, cost: highest.cost } : null,
            optimisationTargets: models.filter((m) => m.efficiency === "LOW_ROI" || m.efficiency === "LOSS_MAKING").map((m) => m.model),
            changes,
        };
    });
}

/**
 * Rounds exact amounts (in units of 10^-10) to cents so that they sum exactly to the rounded total:
 * each is floored, and the cents left over go to the largest remainders (largest remainder method).
 */
export function roundToTotal(amounts: readonly bigint[]): bigint[] {
    const UNIT = 10n ** 8n; // 10^-10 units per cent
    const floorDiv = (a: bigint): bigint => (a >= 0n ? a / UNIT : -((-a + UNIT - 1n) / UNIT));
    const total = amounts.reduce((a, b) => a + b, 0n);
    const target = floorDiv(total + UNIT / 2n); // half up
    const floors = amounts.map(floorDiv);
    let left = target - floors.reduce((a, b) => a + b, 0n);
    const order = amounts.map((a, i) => ({ i, remainder: a - floors[i] * UNIT })).sort((x, y) => (y.remainder > x.remainder ? 1 : y.remainder < x.remainder ? -1 : x.i - y.i));
    const out = [...floors];
    for (const { i } of order) {
        if (left <= 0n) break;
        out[i] += 1n;
        left -= 1n;
    }
    return out;
}

/** A decimal string (`"123.4500000000"`, `"-0.5"`) in units of 10^-10. */
export function decimalUnits(text: string): bigint {
    const negative = text.trim().startsWith("-");
    const [int, frac = ""] = text.trim().replace(/^[-+]/, "").split(".");
    const units = BigInt(int || "0") * 10n ** 10n + BigInt((frac + "0000000000").slice(0, 10));
    return negative ? -units : units;
}

export const centsToNumber = (cents: bigint): number => Number(cents) / 100;
