/**
 * `tagguard report`: cost attribution by model, team and phase from billing exports, with totals that
 * reconcile to the bill. One scan of the exports aggregates them by (period, day, category, service,
 * resource, tags); everything else runs on that aggregate, so the report costs little more than summing
 * the file once.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { REQUIRED_TAG_KEYS, intendedKey, isAttributionKey, type AttributionTagKey } from "../../tagset/vocabulary";
import { visible } from "../../tagset/text";
import { shownPath } from "../input";
import { BillingInputError, createLinesView, lit, type CostMeasure, type Schema } from "./sources";

export type AllocationMethod = "even" | "proportional" | "model-count";

export interface ReportOptions {
    files: string[];
    schema: Schema;
    measure: CostMeasure;
    /** Only this billing period (YYYY-MM). */
    period?: string;
    /** Extra key aliases: raw key (any case) -> attribution key. */
    aliases?: Record<string, AttributionTagKey>;
    allocation: AllocationMethod;
    /** Also split unallocated usage across teams. */
    allocateUnallocated: boolean;
    anomaly: { warning: number; critical: number; baselineDays: number };
    /** Progress lines (a terminal shows them; pipes do not). */
    progress?: (message: string) => void;
}

export interface Breakdown {
    key: string;
    cost: number;
}

export interface AttributionReport {
    costMeasure: CostMeasure;
    currency: string;
    period: string | null;
    /** The input total of the chosen measure over all charge categories. */
    total: number;
    usageTotal: number;
    /** Usage cost carrying every required key. */
    attributed: number;
    unallocated: number;
    /** Non-usage charge categories (taxes, credits, purchases, ...), never spread over models. */
    separateLines: Breakdown[];
    /** Per required key: the fraction of usage cost carrying it, and whether any line carries it at all. */
    coverage: { key: string; fraction: number; presentInExport: boolean }[];
    /** Fraction of usage cost carrying every required key. */
    coverageAll: number;
    byTeam: Breakdown[];
    byModel: Breakdown[];
    byPhase: Breakdown[];
    byEnvironment: Breakdown[];
    byService: Breakdown[];
    /** Raw tag keys met, by the key they were normalized to. */
    keyVariants: { key: string; variants: string[] }[];
    topUntagged: { resourceId: string; service: string | null; cost: number; missing: string[] }[];
    sharedAllocation: { method: AllocationMethod; shared: number; teams: { team: string; before: number; allocated: number; after: number }[] };
    chargeback: { billingPeriod: string; team: string; costCategory: string; model: string; amount: number }[];
    anomalies: { model: string; day: string; cost: number; baseline: number; zScore: number; level: "WARNING" | "CRITICAL" }[];
    expiredBilling: { resourceId: string | null; model: string | null; expiresAt: string; costAfterExpiry: number; lastDay: string }[];
    dailyByModel: { model: string; day: string; cost: number }[];
    reconciliation: { total: string; attributed: string; unallocated: string; separateLines: string; balanced: boolean; skippedLines: number; skippedReason: string | null; unparsableTags: { lines: number; cost: number } };
    notes: string[];
}

const UNALLOCATED = "unallocated";
const SERVICE_GROUPS: [string, RegExp][] = [
    ["EC2", /elastic compute cloud|^ec2\b|ec2 - other|elastic block store|^amazonec2$/i],
    ["S3", /simple storage service|^amazons3$/i],
    ["EKS", /elastic kubernetes service|^amazoneks$/i],
    ["SageMaker", /sagemaker/i],
    ["MSK", /managed streaming for apache kafka|^amazonmsk$|^amazonkafka$/i],
];

/** `cost`, `Cost Center `, `env`: the attribution key a raw tag key means, if any. */
export function normalizeKey(raw: string, aliases: Record<string, AttributionTagKey> = {}): AttributionTagKey | undefined {
    const trimmed = raw.trim();
    const alias = Object.entries(aliases).find(([k]) => k.trim().toLowerCase() === trimmed.toLowerCase());
    if (alias) return alias[1];
    if (isAttributionKey(trimmed)) return trimmed;
    return intendedKey(trimmed);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const cents = (v: unknown): string => (v === null || v === undefined ? "0.00" : Number(v).toFixed(2));

async function rows(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

const squashed = (k: string): string => k.trim().toLowerCase().replace(/[^a-z0-9]/g, "");

/** 0 for the key itself, 1 for another spelling of it (`Team`, `cost-center`), 2 for an alias (`owner`). */
const spellingRank = (raw: string, key: AttributionTagKey): number => (raw === key ? 0 : squashed(raw) === squashed(key) ? 1 : 2);

/** JSON path of a raw key: `$."key"`; keys DuckDB's path syntax cannot quote are left out. */
const jsonPath = (key: string): string | undefined => (/["\\]/.test(key) ? undefined : `$."${key}"`);

/** A DuckDB failure as one line naming the cause; what the user can act on (a cost too large, a file cut short) said plainly. */
function asInputError(e: unknown, files: readonly string[]): BillingInputError {
    if (e instanceof BillingInputError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const first = message.split("\n").find((l) => l.trim()) ?? message;
    const inputs = files.length === 1 ? shownPath(files[0]) : `${files.length} exports`;
    if (/overflow/i.test(message)) return new BillingInputError(`${inputs}: a cost is too large for exact decimal arithmetic (38 digits, 10 after the point): ${visible(first, { max: 200 })}`);
    if (/gzip|zlib|deflate|compress/i.test(message)) return new BillingInputError(`${inputs}: a compressed file is damaged or cut short (${visible(first, { max: 200 })})`);
    return new BillingInputError(`${inputs}: cannot be read as a billing export: ${visible(first, { max: 300 })}`);
}

export async function attributionReport(opts: ReportOptions): Promise<AttributionReport> {
    try {
        return await buildAttributionReport(opts);
    } catch (e) {
        throw asInputError(e, opts.files);
    }
}

async function buildAttributionReport(opts: ReportOptions): Promise<AttributionReport> {
    const progress = opts.progress ?? (() => undefined);
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
        progress("reading the exports");
        const { notes, tagsExpression } = await createLinesView(con, opts.files, opts.schema, opts.measure);
        const periodFilter = opts.period ? `WHERE billing_period = ${lit(opts.period)}` : "";
        // One pass over the exports. Tags are grouped by their 64-bit hash (hashing a MAP is half the cost of
        // grouping by it; two different tag sets would have to collide on the same resource, day, category
        // and service) and turned into JSON once per group.
        await con.run(`CREATE TEMP TABLE agg AS
            SELECT billing_period, charge_day, charge_category, service, resource_id, currency, ${tagsExpression} AS tags, cost, lines, bad_cost FROM (
                SELECT billing_period, charge_day, charge_category, service, resource_id, currency, hash(tags) AS tags_hash, any_value(tags) AS tags,
                       sum(cost) AS cost, count(*) AS lines, count(*) FILTER (WHERE cost IS NULL) AS bad_cost
                FROM lines ${periodFilter} GROUP BY billing_period, charge_day, charge_category, service, resource_id, currency, tags_hash)`);
        progress("aggregated");
        if (opts.period && !(await rows(con, "SELECT 1 FROM agg LIMIT 1")).length) {
            const periods = (await rows(con, "SELECT DISTINCT billing_period FROM lines WHERE billing_period IS NOT NULL ORDER BY 1 LIMIT 13")).map((r) => String(r.billing_period));
            throw new BillingInputError(`--period ${opts.period}: no billing line in that period; the exports hold ${periods.length ? periods.map((p) => visible(p, { max: 20 })).join(", ") : "no billing period at all"}`);
        }
        const currencies = (await rows(con, "SELECT DISTINCT currency FROM agg WHERE currency IS NOT NULL ORDER BY 1")).map((r) => String(r.currency));
        if (currencies.length > 1) throw new BillingInputError(`the exports mix currencies (${currencies.join(", ")}); report each currency's files separately`);

        // Tag keys: normalize every distinct raw key once, then read each attribution key from its variants.
        const rawKeys = (await rows(con, "SELECT DISTINCT unnest(json_keys(tags)) AS k FROM (SELECT DISTINCT tags FROM agg WHERE json_valid(tags))")).map((r) => String(r.k));
        const variants = new Map<AttributionTagKey, string[]>();
        for (const raw of rawKeys.sort()) {
            const key = normalizeKey(raw, opts.aliases);
            if (key && jsonPath(raw)) variants.set(key, [...(variants.get(key) ?? []), raw]);
        }
        // Where a line carries several spellings, the key spelled exactly wins, then its near misses, then aliases.
        for (const [key, raws] of variants) variants.set(key, [...raws].sort((a, b) => spellingRank(a, key) - spellingRank(b, key) || a.localeCompare(b)));
        const extract = (key: AttributionTagKey): string => {
            const paths = (variants.get(key) ?? []).map((raw) => `NULLIF(trim(json_extract_string(tags, ${lit(jsonPath(raw)!)})), '')`);
            return paths.length ? `CASE WHEN json_valid(tags) THEN coalesce(${paths.join(", ")}) END` : "NULL::VARCHAR";
        };
        const keys: AttributionTagKey[] = [...REQUIRED_TAG_KEYS, "expires_at"];
        await con.run(`CREATE TEMP TABLE attributed AS SELECT *, ${keys.map((k) => `${extract(k)} AS "${k}"`).join(", ")},
            (tags IS NOT NULL AND NOT json_valid(tags)) AS bad_tags
            FROM agg`);
        const allPresent = REQUIRED_TAG_KEYS.map((k) => `"${k}" IS NOT NULL`).join(" AND ");
        await con.run(`CREATE TEMP VIEW usage AS SELECT *, (${allPresent}) AS complete FROM attributed WHERE charge_category = 'Usage' AND cost IS NOT NULL`);
        progress("attributed");

        const [totals] = await rows(con, `SELECT
            (SELECT sum(cost) FROM agg WHERE cost IS NOT NULL) AS total,
            (SELECT sum(cost) FROM usage) AS usage_total,
            (SELECT sum(cost) FROM usage WHERE complete) AS attributed,
            (SELECT sum(cost) FROM usage WHERE NOT complete) AS unallocated,
            (SELECT sum(cost) FROM agg WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage') AS separate,
            (SELECT sum(bad_cost) FROM agg) AS skipped,
            (SELECT sum(lines) FROM attributed WHERE bad_tags) AS bad_tag_lines,
            (SELECT sum(cost) FROM attributed WHERE bad_tags AND cost IS NOT NULL) AS bad_tag_cost`);
        const usageTotal = num(totals.usage_total);
        const separateLines = (await rows(con, `SELECT coalesce(charge_category, '(none)') AS key, sum(cost) AS cost FROM agg
            WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage' GROUP BY 1 ORDER BY 1`)).map((r) => ({ key: String(r.key), cost: num(r.cost) }));

        const coverage = await Promise.all(REQUIRED_TAG_KEYS.map(async (k) => {
            const [r] = await rows(con, `SELECT sum(cost) FILTER (WHERE "${k}" IS NOT NULL) AS tagged FROM usage`);
            return { key: k, fraction: usageTotal ? num(r.tagged) / usageTotal : 0, presentInExport: variants.has(k) };
        }));
        const breakdown = async (expr: string): Promise<Breakdown[]> =>
            (await rows(con, `SELECT coalesce(${expr}, '${UNALLOCATED}') AS key, sum(cost) AS cost FROM usage GROUP BY 1 ORDER BY cost DESC, key`)).map((r) => ({ key: String(r.key), cost: num(r.cost) }));
        const serviceCase = `CASE ${SERVICE_GROUPS.map(([g, re]) => `WHEN regexp_matches(service, ${lit(re.source)}, 'i') THEN ${lit(g)}`).join(" ")} WHEN service IS NULL THEN NULL ELSE 'other' END`;
        progress("breakdowns");

        const topUntagged = (await rows(con, `SELECT resource_id, any_value(service) AS service, sum(cost) AS cost,
                ${REQUIRED_TAG_KEYS.map((k) => `bool_and("${k}" IS NULL) AS "missing_${k}"`).join(", ")}
            FROM usage WHERE NOT complete AND resource_id IS NOT NULL GROUP BY resource_id ORDER BY cost DESC, resource_id LIMIT 20`))
            .map((r) => ({ resourceId: String(r.resource_id), service: r.service === null ? null : String(r.service), cost: num(r.cost), missing: REQUIRED_TAG_KEYS.filter((k) => r[`missing_${k}`] === true) }));

        // Shared costs (model_id = shared, and optionally unallocated usage) split across the teams with direct costs.
        const sharedFilter = `model_id = 'shared'${opts.allocateUnallocated ? " OR NOT complete" : ""}`;
        const teamRows = await rows(con, `SELECT team, sum(cost) AS direct, count(DISTINCT model_id) AS models FROM usage
            WHERE complete AND model_id <> 'shared' GROUP BY team ORDER BY team`);
        const [sharedRow] = await rows(con, `SELECT sum(cost) AS shared FROM usage WHERE ${sharedFilter}`);
        const beforeRows = await rows(con, `SELECT team, sum(cost) AS cost FROM usage WHERE complete GROUP BY team`);
        const shared = num(sharedRow.shared);
        const weights = teamRows.map((t) => (opts.allocation === "even" ? 1 : opts.allocation === "proportional" ? num(t.direct) : num(t.models)));
        const weightSum = weights.reduce((a, b) => a + b, 0);
        const directWithoutShared = new Map(teamRows.map((t) => [String(t.team), num(t.direct)]));
        const sharedTeams = teamRows.map((t, i) => {
            const team = String(t.team);
            const allocated = weightSum ? (shared * weights[i]) / weightSum : 0;
            const before = num(beforeRows.find((b) => b.team === t.team)?.cost);
            return { team, before, allocated, after: directWithoutShared.get(team)! + allocated };
        });

        const chargeback = (await rows(con, `SELECT billing_period, team, lifecycle_phase, model_id, sum(cost) AS amount FROM usage
            WHERE complete AND model_id <> 'shared' GROUP BY ALL ORDER BY billing_period, team, lifecycle_phase, model_id`))
            .map((r) => ({ billingPeriod: String(r.billing_period), team: String(r.team), costCategory: String(r.lifecycle_phase), model: String(r.model_id), amount: num(r.amount) }));
        for (const t of sharedTeams) {
            if (t.allocated) chargeback.push({ billingPeriod: opts.period ?? "all", team: t.team, costCategory: "shared_allocation", model: "shared", amount: t.allocated });
        }
        progress("allocation and chargeback");

        // Anomalies: each model's daily cost against its own trailing baseline (days without cost count as 0).
        const dailyByModel = (await rows(con, `SELECT coalesce(model_id, '${UNALLOCATED}') AS model, strftime(charge_day, '%Y-%m-%d') AS day, sum(cost) AS cost
            FROM usage WHERE charge_day IS NOT NULL GROUP BY ALL ORDER BY model, day`)).map((r) => ({ model: String(r.model), day: String(r.day), cost: num(r.cost) }));
        const anomalies = (await rows(con, `WITH daily AS (
                SELECT coalesce(model_id, '${UNALLOCATED}') AS model, charge_day AS day, sum(cost)::DOUBLE AS cost FROM usage WHERE charge_day IS NOT NULL GROUP BY ALL),
            span AS (SELECT model, min(day) AS first, max(day) AS last FROM daily GROUP BY model),
            days AS (SELECT model, CAST(unnest(generate_series(first, last, INTERVAL 1 DAY)) AS DATE) AS day FROM span),
            dense AS (SELECT d.model, d.day, coalesce(x.cost, 0) AS cost FROM days d LEFT JOIN daily x ON x.model = d.model AND x.day = d.day),
            scored AS (SELECT model, day, cost,
                avg(cost) OVER w AS baseline, stddev_samp(cost) OVER w AS sd, count(*) OVER w AS n
                FROM dense WINDOW w AS (PARTITION BY model ORDER BY day ROWS BETWEEN ${opts.anomaly.baselineDays} PRECEDING AND 1 PRECEDING))
            SELECT model, strftime(day, '%Y-%m-%d') AS day, cost, baseline, (cost - baseline) / sd AS z FROM scored
            WHERE n >= ${opts.anomaly.baselineDays} AND sd > 0 AND (cost - baseline) / sd >= ${opts.anomaly.warning}
            ORDER BY z DESC, model, day`)).map((r) => ({
            model: String(r.model), day: String(r.day), cost: num(r.cost), baseline: num(r.baseline), zScore: num(r.z),
            level: (num(r.z) >= opts.anomaly.critical ? "CRITICAL" : "WARNING") as "WARNING" | "CRITICAL",
        }));

        const expiredBilling = (await rows(con, `SELECT resource_id, any_value(model_id) AS model, expires_at, sum(cost) AS cost, strftime(max(charge_day), '%Y-%m-%d') AS last_day
            FROM usage WHERE TRY_CAST(left(expires_at, 10) AS DATE) < charge_day GROUP BY resource_id, expires_at ORDER BY cost DESC`))
            .map((r) => ({ resourceId: r.resource_id === null ? null : String(r.resource_id), model: r.model === null ? null : String(r.model), expiresAt: String(r.expires_at), costAfterExpiry: num(r.cost), lastDay: String(r.last_day) }));
        progress("anomalies and expiry");

        const [exact] = await rows(con, `SELECT
            (SELECT coalesce(sum(cost), 0) FROM agg WHERE cost IS NOT NULL) = (SELECT coalesce(sum(cost), 0) FROM usage WHERE complete)
              + (SELECT coalesce(sum(cost), 0) FROM usage WHERE NOT complete)
              + (SELECT coalesce(sum(cost), 0) FROM agg WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage') AS balanced`);
        const skipped = num(totals.skipped);
        return {
            costMeasure: opts.measure,
            currency: currencies[0] ?? "unknown",
            period: opts.period ?? null,
            total: num(totals.total),
            usageTotal,
            attributed: num(totals.attributed),
            unallocated: num(totals.unallocated),
            separateLines,
            coverage,
            coverageAll: usageTotal ? num(totals.attributed) / usageTotal : 0,
            byTeam: await breakdown('"team"'),
            byModel: await breakdown('"model_id"'),
            byPhase: await breakdown('"lifecycle_phase"'),
            byEnvironment: await breakdown('"environment"'),
            byService: await breakdown(serviceCase),
            keyVariants: [...variants].map(([key, raws]) => ({ key, variants: raws })).sort((a, b) => a.key.localeCompare(b.key)),
            topUntagged,
            sharedAllocation: { method: opts.allocation, shared, teams: sharedTeams },
            chargeback,
            anomalies,
            expiredBilling,
            dailyByModel,
            reconciliation: {
                total: cents(totals.total),
                attributed: cents(totals.attributed),
                unallocated: cents(totals.unallocated),
                separateLines: cents(totals.separate),
                balanced: exact.balanced === true,
                skippedLines: skipped,
                skippedReason: skipped ? `${skipped} line${skipped === 1 ? "" : "s"} with a cost that is not a number, left out of every total` : null,
                unparsableTags: { lines: num(totals.bad_tag_lines), cost: num(totals.bad_tag_cost) },
            },
            notes,
        };
    } finally {
        con.closeSync();
        db.closeSync();
    }
}
