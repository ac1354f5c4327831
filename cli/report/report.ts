/**
 * `tagguard report`: cost attribution by model, team and phase from billing exports, with totals that
 * reconcile to the bill. One scan of the exports aggregates them by (period, day, category, service,
 * resource, tags); everything else runs on that aggregate, so the report costs little more than summing
 * the file once.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import * as path from "path";
import { valueProblem } from "../../tagset/rules";
import { REQUIRED_TAG_KEYS, intendedKey, isAttributionKey, type AttributionTagKey } from "../../tagset/vocabulary";
import { shownValue, visible } from "../../tagset/text";
import { shownPath } from "../input";
import {
    centsToNumber, decimalUnits, modelEconomics, monthOverMonth, roundToTotal, splitShared, teamShowback,
    type AllocationMethod, type CostRow, type ModelEconomics, type MonthOverMonth, type SharedSplit, type TeamShowback,
} from "./economics";
import type { ModelsFile } from "./models";
import { BillingInputError, createLinesView, lit, type CostMeasure, type Schema } from "./sources";
import { EKS_NODE_TAGS, createAggregate, type IdleMode } from "./split";
import { GPUS_PER_INSTANCE } from "./units";

export type { AllocationMethod };

export interface ReportOptions {
    files: string[];
    /** The export's schema; told by its columns when not given. */
    schema?: Schema;
    measure: CostMeasure;
    /** Only this billing period (YYYY-MM). */
    period?: string;
    /** Extra key aliases: raw key (any case) -> attribution key. */
    aliases?: Record<string, AttributionTagKey>;
    allocation: AllocationMethod;
    /** Also split unallocated usage across teams. */
    allocateUnallocated: boolean;
    anomaly: { warning: number; critical: number; baselineDays: number };
    /** Per model: predictions, value, benchmark, owner team (`--models`). */
    models?: ModelsFile;
    /** The team chargeback records are billed from (`--chargeback-source`). */
    chargebackSource?: string;
    /** Progress lines (a terminal shows them; pipes do not). */
    progress?: (message: string) => void;
    /** Shared EKS nodes' unallocated capacity: reported apart on the node's tags (default), or spread over the pods. */
    idle?: IdleMode;
}

/** A shared EKS cluster on the bill: its nodes' cost, what its pods' labels attribute, its idle capacity, its unlabelled workloads. */
export interface ClusterView {
    cluster: string;
    /** Everything below: the apportioned nodes and the Fargate pods. */
    cost: number;
    /** The apportioned nodes' cost in the report's measure (with whatever the pods' own rows carried): pods' pieces, cluster components and idle capacity. */
    nodeCost: number;
    /** Fargate pods' own lines (no node to split). */
    fargate: number;
    /** Pods (on the nodes and on Fargate) carrying the full valid set, by model, team and lifecycle phase. */
    allocated: number;
    byModel: Breakdown[];
    byTeam: Breakdown[];
    byPhase: Breakdown[];
    /** Unallocated capacity: on the nodes' own tags under `--idle separate`, spread over the pods (and in their figures) under `share`. */
    idle: number;
    idleByNodePool: Breakdown[];
    /** Pods of the cluster's own namespaces (kube-system, kube-public, kube-node-lease), on the nodes' own tags. */
    system: number;
    /** Pods without the full valid set, by namespace and workload. */
    unlabelled: number;
    unlabelledWorkloads: { namespace: string; workload: string; cost: number }[];
    /** Pod rows whose node's line is not in the files given: not apportioned. */
    orphanPodRows: number;
    /** Nodes with hours that have no pod rows in the files given: that cost stays on the node's own tags. */
    unsplitNodes: { node: string; days: number; cost: number }[];
}

export interface Breakdown {
    key: string;
    cost: number;
}

export interface ChargebackRecord {
    billingPeriod: string;
    /** The team that pays the bill and charges the others back. */
    sourceTeam: string;
    targetTeam: string;
    /** The lifecycle phase; `shared_allocation` for a team's part of shared cost, `unallocated` for cost no team carries. */
    costCategory: string;
    model: string;
    /** In the export's currency, rounded so that a period's records sum exactly to its attributed total. */
    amount: number;
    /** What was consumed, in the unit that carries most of the row's cost; null where the export does not say. */
    units: number | null;
    unitType: string | null;
    /** The cost of the row's lines in that unit over the units: the price of one GPU-hour, GB-month, ... */
    unitRate: number | null;
    /** The shared EKS cluster the cost was apportioned on (split cost allocation data); null elsewhere. */
    cluster: string | null;
}

export interface AttributionReport {
    /** The schema the exports were read as, and whether `--schema` named it or their columns told it. */
    schema: Schema;
    schemaFrom: "columns" | "option";
    /** Split cost allocation data (CUR 2.0): how idle capacity was treated, and how much was apportioned; null without it. */
    split: { idle: IdleMode; nodeHours: number; pods: number; orphanPodRows: number } | null;
    /** Per shared EKS cluster, from split cost allocation data. */
    clusters: ClusterView[];
    costMeasure: CostMeasure;
    currency: string;
    /** `--period`, when given. */
    period: string | null;
    /** Billing periods in the report's scope, and the file names read. */
    periods: string[];
    sources: string[];
    /** The input total of the chosen measure over all charge categories. */
    total: number;
    usageTotal: number;
    /** Usage cost carrying every required key with a valid value. */
    attributed: number;
    unallocated: number;
    /** Non-usage charge categories (taxes, credits, purchases, ...), never spread over models. */
    separateLines: Breakdown[];
    /**
     * Per required key, of the positive usage cost (credits and refunds are separate lines, and negative
     * usage lines are left out of both sides, so a fraction never exceeds 1): the fraction carrying a valid
     * value, the fraction carrying a value outside the vocabulary, and whether any line carries the key.
     */
    coverage: { key: string; fraction: number; invalidFraction: number; invalidValues: string[]; presentInExport: boolean }[];
    /** Fraction of usage cost carrying every required key with a valid value. */
    coverageAll: number;
    byTeam: Breakdown[];
    byModel: Breakdown[];
    byPhase: Breakdown[];
    byEnvironment: Breakdown[];
    byService: Breakdown[];
    /** Attributed cost by team and model. */
    byTeamAndModel: { team: string; model: string; cost: number }[];
    /** Raw tag keys met, by the key they were normalized to. */
    keyVariants: { key: string; variants: string[] }[];
    topUntagged: { resourceId: string; service: string | null; cost: number; missing: string[] }[];
    sharedAllocation: { method: AllocationMethod; shared: number; teams: SharedSplit[] };
    /** Unit economics per model and billing period. */
    models: ModelEconomics[];
    /** Per team, the latest billing period in scope against the one before. */
    teams: TeamShowback[];
    monthOverMonth: MonthOverMonth | null;
    chargeback: ChargebackRecord[];
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

/** `cost`, `Cost Center `, `env`, `user:team`: the attribution key a raw tag key means, if any. */
export function normalizeKey(raw: string, aliases: Record<string, AttributionTagKey> = {}): AttributionTagKey | undefined {
    const trimmed = raw.trim();
    const alias = Object.entries(aliases).find(([k]) => k.trim().toLowerCase() === trimmed.toLowerCase());
    if (alias) return alias[1];
    // AWS's FOCUS exports name user-defined cost allocation tags `user:<key>` (AWS-generated ones `aws:<key>`).
    const key = trimmed.replace(/^user:/i, "");
    if (isAttributionKey(key)) return key;
    return intendedKey(key);
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

const inputsNamed = (files: readonly string[]): string => (files.length === 1 ? shownPath(files[0]) : `${files.length} exports`);

/** A DuckDB failure as one line naming the cause; what the user can act on (a cost too large, a file cut short) said plainly. */
function asInputError(e: unknown, files: readonly string[]): BillingInputError {
    if (e instanceof BillingInputError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const first = message.split("\n").find((l) => l.trim()) ?? message;
    const inputs = inputsNamed(files);
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

const KEYS_READ: AttributionTagKey[] = [...REQUIRED_TAG_KEYS, "expires_at"];

/** SQL `CASE` of a consumed unit as chargeback names it: GPU-hours for GPU instance families, instance-hours, GB-months. */
const UNIT_TYPE = `CASE
    WHEN regexp_matches(unit, '^(hrs?|hours?)$', 'i') AND gpus IS NOT NULL THEN 'GPU-hours'
    WHEN regexp_matches(unit, '^(hrs?|hours?)$', 'i') AND instance_type IS NOT NULL THEN 'instance-hours'
    WHEN regexp_matches(unit, '^(hrs?|hours?)$', 'i') THEN 'hours'
    WHEN regexp_matches(unit, '^gb-?mo(nths?)?$', 'i') THEN 'GB-months'
    ELSE unit END`;

async function buildAttributionReport(opts: ReportOptions): Promise<AttributionReport> {
    const progress = opts.progress ?? (() => undefined);
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
        // Billing periods and days are UTC's: text without an offset, read as an instant where others in the column carry one, is taken in the session's zone.
        await con.run("SET TimeZone = 'UTC'");
        progress("reading the exports");
        const { notes, tagsExpression, schema, split: hasSplit } = await createLinesView(con, opts.files, opts.schema, opts.measure);
        const podSplit = await createAggregate(con, tagsExpression, hasSplit ? (opts.idle ?? "separate") : undefined);
        progress("aggregated");
        // A header-only export (an empty day of a CUR, the wrong file) would report $0, fully reconciled, as if clean.
        if (!(await rows(con, "SELECT 1 FROM agg LIMIT 1")).length) throw new BillingInputError(`${inputsNamed(opts.files)}: no billing line (only a header?): nothing to report`);
        // Not one cost that is a number (a spreadsheet's re-save with comma decimals, the wrong column): a $0 report would pass as clean.
        const [counted] = await rows(con, "SELECT sum(lines) AS lines, sum(bad_cost) AS bad FROM agg");
        if (num(counted.bad) === num(counted.lines)) {
            // Text in a CSV, a number type in Parquet: read as text either way.
            const [example] = await rows(con, "SELECT CAST(cost_text AS VARCHAR) AS cost_text FROM lines WHERE cost IS NULL AND trim(CAST(cost_text AS VARCHAR)) <> '' LIMIT 1");
            const text = example ? String(example.cost_text) : undefined;
            const commaDecimal = text !== undefined && /^\s*-?[\d.]*\d,\d+\s*$/.test(text);
            throw new BillingInputError(`${inputsNamed(opts.files)}: no line has a cost that is a number${text === undefined ? " (the cost column is empty)" : `, such as ${shownValue(text)}`}${commaDecimal ? ": comma decimal separators, as a spreadsheet saves CSV in some locales; export the file from AWS again, or save it with \".\" as the decimal separator" : ""}: nothing to report`);
        }
        const allPeriods = (await rows(con, "SELECT DISTINCT billing_period FROM agg WHERE billing_period IS NOT NULL ORDER BY 1")).map((r) => String(r.billing_period));
        if (opts.period && !allPeriods.includes(opts.period)) {
            throw new BillingInputError(`--period ${opts.period}: no billing line in that period; the exports hold ${allPeriods.length ? allPeriods.slice(0, 13).map((p) => visible(p, { max: 20 })).join(", ") : "no billing period at all"}`);
        }
        const inScope = opts.period ? `billing_period = ${lit(opts.period)}` : "true";
        const currencies = (await rows(con, "SELECT DISTINCT currency FROM agg WHERE currency IS NOT NULL ORDER BY 1")).map((r) => String(r.currency));
        if (currencies.length > 1) throw new BillingInputError(`the exports mix currencies (${currencies.join(", ")}); report each currency's files separately`);
        const currency = currencies[0] ?? "unknown";

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
        await con.run(`CREATE TEMP TABLE gpu_counts (instance_type VARCHAR, gpus INTEGER)`);
        await con.run(`INSERT INTO gpu_counts VALUES ${[...GPUS_PER_INSTANCE].map(([t, n]) => `(${lit(t)}, ${n})`).join(", ")}`);
        // The keys are read once per distinct tag set, not once per line.
        await con.run(`CREATE TEMP TABLE tag_keys AS SELECT tags_hash, ${KEYS_READ.map((k) => `${extract(k)} AS "${k}"`).join(", ")}, (tags IS NOT NULL AND NOT json_valid(tags)) AS bad_tags
            FROM (SELECT tags_hash, any_value(tags) AS tags FROM agg GROUP BY tags_hash)`);
        await con.run(`CREATE TEMP TABLE attributed AS SELECT a.*, t.* EXCLUDE (tags_hash), g.gpus
            FROM agg a JOIN tag_keys t USING (tags_hash) LEFT JOIN gpu_counts g ON g.instance_type = regexp_replace(a.instance_type, '^ml\\.', '')`);
        // Values outside the vocabulary are present but invalid: they attribute nothing.
        const invalid = new Map<AttributionTagKey, string[]>();
        for (const k of REQUIRED_TAG_KEYS) {
            const values = (await rows(con, `SELECT DISTINCT "${k}" AS v FROM attributed WHERE "${k}" IS NOT NULL`)).map((r) => String(r.v));
            invalid.set(k, values.filter((v) => valueProblem(k, v) !== undefined).sort());
        }
        const valid = (k: AttributionTagKey): string => `("${k}" IS NOT NULL${invalid.get(k)!.length ? ` AND "${k}" NOT IN (${invalid.get(k)!.map(lit).join(", ")})` : ""})`;
        const allValid = REQUIRED_TAG_KEYS.map(valid).join(" AND ");
        const serviceCase = `CASE ${SERVICE_GROUPS.map(([g, re]) => `WHEN regexp_matches(service, ${lit(re.source)}, 'i') THEN ${lit(g)}`).join(" ")} WHEN service IS NULL THEN NULL ELSE 'other' END`;
        await con.run(`CREATE TEMP VIEW usage_all AS SELECT *, (${allValid}) AS complete, ${serviceCase} AS service_group,
            ${UNIT_TYPE} AS unit_type, CASE WHEN gpus IS NOT NULL AND regexp_matches(unit, '^(hrs?|hours?)$', 'i') THEN quantity * gpus ELSE quantity END AS units
            FROM attributed WHERE charge_category = 'Usage' AND cost IS NOT NULL`);
        await con.run(`CREATE TEMP VIEW usage AS SELECT * FROM usage_all WHERE ${inScope}`);
        await con.run(`CREATE TEMP VIEW agg_scope AS SELECT * FROM agg WHERE ${inScope}`);
        progress("attributed");

        const [totals] = await rows(con, `SELECT
            (SELECT sum(cost) FROM agg_scope WHERE cost IS NOT NULL) AS total,
            (SELECT sum(cost) FROM usage) AS usage_total,
            (SELECT sum(cost) FROM usage WHERE complete) AS attributed,
            (SELECT sum(cost) FROM usage WHERE NOT complete) AS unallocated,
            (SELECT sum(cost) FROM agg_scope WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage') AS separate,
            (SELECT sum(bad_cost) FROM agg_scope) AS skipped,
            (SELECT sum(lines) FROM attributed WHERE bad_tags AND ${inScope}) AS bad_tag_lines,
            (SELECT sum(cost) FROM attributed WHERE bad_tags AND cost IS NOT NULL AND ${inScope}) AS bad_tag_cost,
            (SELECT sum(cost) FROM usage WHERE cost > 0) AS positive_usage`);
        const usageTotal = num(totals.usage_total);
        const positiveUsage = num(totals.positive_usage);
        const separateLines = (await rows(con, `SELECT coalesce(charge_category, '(none)') AS key, sum(cost) AS cost FROM agg_scope
            WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage' GROUP BY 1 ORDER BY 1`)).map((r) => ({ key: String(r.key), cost: num(r.cost) }));

        const coverage = await Promise.all(REQUIRED_TAG_KEYS.map(async (k) => {
            const [r] = await rows(con, `SELECT sum(cost) FILTER (WHERE ${valid(k)}) AS valid, sum(cost) FILTER (WHERE "${k}" IS NOT NULL AND NOT ${valid(k)}) AS invalid FROM usage WHERE cost > 0`);
            return {
                key: k,
                fraction: positiveUsage ? num(r.valid) / positiveUsage : 0,
                invalidFraction: positiveUsage ? num(r.invalid) / positiveUsage : 0,
                invalidValues: invalid.get(k)!.slice(0, 20),
                presentInExport: variants.has(k),
            };
        }));
        const breakdown = async (expr: string): Promise<Breakdown[]> =>
            (await rows(con, `SELECT coalesce(${expr}, '${UNALLOCATED}') AS key, sum(cost) AS cost FROM usage GROUP BY 1 ORDER BY cost DESC, key`)).map((r) => ({ key: String(r.key), cost: num(r.cost) }));
        progress("breakdowns");

        const topUntagged = (await rows(con, `SELECT resource_id, any_value(service) AS service, sum(cost) AS cost,
                ${REQUIRED_TAG_KEYS.map((k) => `bool_and(NOT ${valid(k)}) AS "missing_${k}"`).join(", ")}
            FROM usage WHERE NOT complete AND resource_id IS NOT NULL GROUP BY resource_id ORDER BY cost DESC, resource_id LIMIT 20`))
            .map((r) => ({ resourceId: String(r.resource_id), service: r.service === null ? null : String(r.service), cost: num(r.cost), missing: REQUIRED_TAG_KEYS.filter((k) => r[`missing_${k}`] === true) }));

        // Attributed cost by period, team, model, phase and service: what economics, showback and month-over-month read.
        const cube: CostRow[] = (await rows(con, `SELECT billing_period, team, model_id, lifecycle_phase, coalesce(service_group, 'other') AS service, sum(cost) AS cost
            FROM usage_all WHERE complete AND billing_period IS NOT NULL GROUP BY ALL ORDER BY ALL`))
            .map((r) => ({ period: String(r.billing_period), team: String(r.team), model: String(r.model_id), phase: String(r.lifecycle_phase), service: String(r.service), cost: num(r.cost) }));
        const unallocatedCube: CostRow[] = (await rows(con, `SELECT billing_period, coalesce(service_group, 'other') AS service, sum(cost) AS cost
            FROM usage_all WHERE NOT complete AND billing_period IS NOT NULL GROUP BY ALL ORDER BY ALL`))
            .map((r) => ({ period: String(r.billing_period), team: UNALLOCATED, model: UNALLOCATED, phase: UNALLOCATED, service: String(r.service), cost: num(r.cost) }));
        const scoped = (list: CostRow[]): CostRow[] => (opts.period ? list.filter((r) => r.period === opts.period) : list);
        const periods = opts.period ? [opts.period] : allPeriods;
        const split = splitShared(scoped(cube), opts.allocation, opts.allocateUnallocated ? num(totals.unallocated) : 0);
        const economics = modelEconomics(scoped(cube), opts.models, currency);
        notes.push(...economics.notes);
        const current = periods[periods.length - 1];
        const previous = current ? allPeriods[allPeriods.indexOf(current) - 1] ?? null : null;
        const teams = current ? teamShowback(cube, modelEconomics(cube, opts.models, currency).models, opts.allocation, current, previous) : [];
        const mom = current && previous ? monthOverMonth([...cube, ...unallocatedCube], previous, current) : null;
        const byTeamAndModel = [...scoped(cube).reduce((m, r) => m.set(`${r.team}\u0000${r.model}`, (m.get(`${r.team}\u0000${r.model}`) ?? 0) + r.cost), new Map<string, number>())]
            .map(([k, cost]) => ({ team: k.split("\u0000")[0], model: k.split("\u0000")[1], cost }))
            .sort((a, b) => a.team.localeCompare(b.team) || b.cost - a.cost || a.model.localeCompare(b.model));
        const chargeback = await chargebackRecords(con, periods, opts);
        progress("economics, showback and chargeback");

        // Anomalies: each model's daily cost against its own trailing baseline (days without cost count as 0).
        // Only days with cost can stand out (a day without is never above its baseline), so the baseline's
        // sum and sum of squares are taken over the days with cost in the window, the others adding 0: the
        // work follows the data, not the calendar (a charge dated in the year 9999 adds one row, not millions).
        // A variance from sums of squares keeps rounding residue: one below a millionth of the costs' size is none.
        const baselineDays = Math.max(2, Math.floor(opts.anomaly.baselineDays));
        const dailyByModel = (await rows(con, `SELECT coalesce(model_id, '${UNALLOCATED}') AS model, strftime(charge_day, '%Y-%m-%d') AS day, sum(cost) AS cost
            FROM usage WHERE charge_day IS NOT NULL GROUP BY ALL ORDER BY model, day`)).map((r) => ({ model: String(r.model), day: String(r.day), cost: num(r.cost) }));
        const anomalies = (await rows(con, `WITH daily AS (
                SELECT coalesce(model_id, '${UNALLOCATED}') AS model, charge_day AS day, sum(cost)::DOUBLE AS cost FROM usage WHERE charge_day IS NOT NULL GROUP BY ALL),
            windowed AS (SELECT model, day, cost, min(day) OVER (PARTITION BY model) AS first,
                coalesce(sum(cost) OVER w, 0) AS s, coalesce(sum(cost * cost) OVER w, 0) AS ss
                FROM daily WINDOW w AS (PARTITION BY model ORDER BY day RANGE BETWEEN INTERVAL ${baselineDays} DAY PRECEDING AND INTERVAL 1 DAY PRECEDING)),
            scored AS (SELECT model, day, cost, ss, s / ${baselineDays} AS baseline,
                sqrt(greatest((ss - s * s / ${baselineDays}) / ${baselineDays - 1}, 0)) AS sd
                FROM windowed WHERE date_diff('day', first, day) >= ${baselineDays})
            SELECT model, strftime(day, '%Y-%m-%d') AS day, cost, baseline, (cost - baseline) / sd AS z FROM scored
            WHERE sd > 1e-6 * sqrt(ss / ${baselineDays}) AND (cost - baseline) / sd >= ${opts.anomaly.warning}
            ORDER BY z DESC, model, day`)).map((r) => ({
            model: String(r.model), day: String(r.day), cost: num(r.cost), baseline: num(r.baseline), zScore: num(r.z),
            level: (num(r.z) >= opts.anomaly.critical ? "CRITICAL" : "WARNING") as "WARNING" | "CRITICAL",
        }));

        const expiredBilling = (await rows(con, `SELECT resource_id, any_value(model_id) AS model, expires_at, sum(cost) AS cost, strftime(max(charge_day), '%Y-%m-%d') AS last_day
            FROM usage WHERE TRY_CAST(left(expires_at, 10) AS DATE) < charge_day GROUP BY resource_id, expires_at ORDER BY cost DESC`))
            .map((r) => ({ resourceId: r.resource_id === null ? null : String(r.resource_id), model: r.model === null ? null : String(r.model), expiresAt: String(r.expires_at), costAfterExpiry: num(r.cost), lastDay: String(r.last_day) }));
        progress("anomalies and expiry");

        const clusters = podSplit ? await clusterViews(con) : [];
        // EKS nodes' cost that no pod's labels can attribute: FOCUS exports hold no split data, and a CUR 2.0 export only when it is enabled.
        const [eksNodes] = await rows(con, `SELECT count(DISTINCT resource_id) AS nodes, sum(cost) AS cost FROM usage
            WHERE split_role IS NULL AND instance_type IS NOT NULL AND service_group = 'EC2' AND regexp_matches(coalesce(CAST(tags AS VARCHAR), ''), ${lit(EKS_NODE_TAGS)})`);
        if (num(eksNodes.nodes) > 0) {
            const what = `${num(eksNodes.nodes)} EKS node${num(eksNodes.nodes) === 1 ? "" : "s"} (${currency} ${num(eksNodes.cost).toFixed(2)})`;
            notes.push(schema === "focus"
                ? `${what} are attributed by the nodes' own tags: AWS's FOCUS exports carry no split cost allocation data, so per-pod (per-model) cost on shared clusters needs a CUR 2.0 export with split cost allocation data (INCLUDE_SPLIT_COST_ALLOCATION_DATA)`
                : `${what} have no split cost allocation rows in these files and are attributed by the nodes' own tags: enable split cost allocation data for EKS in the CUR 2.0 export (INCLUDE_SPLIT_COST_ALLOCATION_DATA) for per-pod cost`);
        }
        if (podSplit?.orphanPodRows) notes.push(`${podSplit.orphanPodRows} pod row${podSplit.orphanPodRows === 1 ? "" : "s"} of split cost allocation data name nodes whose own lines are not in these files (a day split across files?): their share could not be apportioned`);
        const [exact] = await rows(con, `SELECT
            (SELECT coalesce(sum(cost), 0) FROM agg_scope WHERE cost IS NOT NULL) = (SELECT coalesce(sum(cost), 0) FROM usage WHERE complete)
              + (SELECT coalesce(sum(cost), 0) FROM usage WHERE NOT complete)
              + (SELECT coalesce(sum(cost), 0) FROM agg_scope WHERE cost IS NOT NULL AND charge_category IS DISTINCT FROM 'Usage') AS balanced`);
        const skipped = num(totals.skipped);
        return {
            schema, schemaFrom: opts.schema ? "option" : "columns",
            split: podSplit ? { idle: podSplit.idle, nodeHours: podSplit.nodeHours, pods: podSplit.pods, orphanPodRows: podSplit.orphanPodRows } : null,
            clusters,
            costMeasure: opts.measure,
            currency,
            period: opts.period ?? null,
            periods,
            sources: opts.files.map((f) => path.basename(f)),
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
            byService: await breakdown("service_group"),
            byTeamAndModel,
            keyVariants: [...variants].map(([key, raws]) => ({ key, variants: raws })).sort((a, b) => a.key.localeCompare(b.key)),
            topUntagged,
            sharedAllocation: { method: opts.allocation, shared: split.pool, teams: split.teams },
            models: economics.models,
            teams,
            monthOverMonth: mom,
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

/** The per-cluster view: what the apportioned pieces of each shared cluster's nodes became. */
async function clusterViews(con: DuckDBConnection): Promise<ClusterView[]> {
    const pieces = await rows(con, `SELECT cluster, split_role, complete, coalesce(model_id, '${UNALLOCATED}') AS model, coalesce(team, '${UNALLOCATED}') AS team,
            coalesce(lifecycle_phase, '${UNALLOCATED}') AS phase, coalesce(namespace, '?') AS namespace, coalesce(workload, '?') AS workload, coalesce(node_pool, '(no pool tag)') AS node_pool,
            CASE WHEN split_role = 'unsplit' THEN resource_id END AS node, CAST(sum(cost) AS VARCHAR) AS cost, CAST(coalesce(sum(idle_cost), 0) AS VARCHAR) AS idle_cost,
            sum(lines) AS lines, count(DISTINCT charge_day) AS days
        FROM usage WHERE cluster IS NOT NULL GROUP BY ALL`);
    // Summed exactly (units of 1e-10), so that the figures do not depend on the order the rows come in.
    const exact = (list: typeof pieces, column: string): bigint => list.reduce((a, p) => a + decimalUnits(String(p[column])), 0n);
    const sum = (list: typeof pieces, column = "cost"): number => Number(exact(list, column)) / 1e10;
    const breakdown = (list: typeof pieces, key: string, column = "cost"): Breakdown[] => {
        const keys = [...new Set(list.map((p) => String(p[key])))];
        return keys.map((k) => ({ key: k, cost: sum(list.filter((p) => String(p[key]) === k), column) })).sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
    };
    return [...new Set(pieces.map((p) => String(p.cluster)))].sort().map((cluster) => {
        const mine = pieces.filter((p) => p.cluster === cluster);
        const apportioned = mine.filter((p) => p.split_role === "pod" || p.split_role === "system" || p.split_role === "idle");
        const fargate = mine.filter((p) => p.split_role === "fargate");
        const pods = mine.filter((p) => p.split_role === "pod" || p.split_role === "fargate");
        const labelled = pods.filter((p) => p.complete === true);
        const unlabelled = pods.filter((p) => p.complete !== true);
        const workloads = [...new Set(unlabelled.map((p) => `${String(p.namespace)}\u0000${String(p.workload)}`))].map((key) => {
            const [namespace, workload] = key.split("\u0000");
            return { namespace, workload, cost: sum(unlabelled.filter((p) => p.namespace === namespace && p.workload === workload)) };
        });
        const unsplitRows = mine.filter((r) => r.split_role === "unsplit");
        const unsplit = [...new Set(unsplitRows.map((p) => String(p.node)))].map((node) => {
            const of = unsplitRows.filter((p) => p.node === node);
            return { node, days: Math.max(...of.map((p) => num(p.days))), cost: sum(of) };
        });
        return {
            cluster,
            cost: sum(apportioned) + sum(fargate),
            nodeCost: sum(apportioned),
            fargate: sum(fargate),
            allocated: sum(labelled),
            byModel: breakdown(labelled, "model"),
            byTeam: breakdown(labelled, "team"),
            byPhase: breakdown(labelled, "phase"),
            idle: sum(apportioned, "idle_cost"),
            idleByNodePool: breakdown(apportioned, "node_pool", "idle_cost").filter((b) => b.cost !== 0),
            system: sum(mine.filter((p) => p.split_role === "system")),
            unlabelled: sum(unlabelled),
            unlabelledWorkloads: workloads.sort((a, b) => b.cost - a.cost || `${a.namespace}/${a.workload}`.localeCompare(`${b.namespace}/${b.workload}`)),
            orphanPodRows: mine.filter((p) => p.split_role === "orphan").reduce((a, p) => a + num(p.lines), 0),
            unsplitNodes: unsplit.sort((a, b) => b.cost - a.cost || a.node.localeCompare(b.node)),
        };
    });
}

/**
 * Chargeback records per billing period: each team's attributed cost by lifecycle phase and model, its
 * part of the shared pool, and the period's unallocated cost, from the source team to the target team.
 * Exact decimal amounts are split and rounded in integer arithmetic, so a period's team records sum to
 * its attributed total to the cent.
 */
async function chargebackRecords(con: DuckDBConnection, periods: readonly string[], opts: ReportOptions): Promise<ChargebackRecord[]> {
    const source = opts.chargebackSource ?? "platform";
    const groups = await rows(con, `SELECT billing_period, team, lifecycle_phase, model_id, cluster, unit_type, CAST(sum(cost) AS VARCHAR) AS amount, CAST(sum(units) AS VARCHAR) AS units
        FROM usage WHERE complete AND billing_period IS NOT NULL GROUP BY ALL ORDER BY ALL`);
    const unallocated = await rows(con, `SELECT billing_period, cluster, CAST(sum(cost) AS VARCHAR) AS amount FROM usage WHERE NOT complete AND billing_period IS NOT NULL GROUP BY ALL ORDER BY ALL`);
    const out: ChargebackRecord[] = [];
    for (const period of periods) {
        type Row = { team: string; phase: string; model: string; cluster: string | null; amount: bigint; units: Map<string, { cost: bigint; units: bigint | null }> };
        const direct = new Map<string, Row>();
        for (const g of groups.filter((x) => x.billing_period === period)) {
            const cluster = g.cluster === null ? null : String(g.cluster);
            const key = `${String(g.team)}\u0000${String(g.lifecycle_phase)}\u0000${String(g.model_id)}\u0000${cluster ?? ""}`;
            const row = direct.get(key) ?? { team: String(g.team), phase: String(g.lifecycle_phase), model: String(g.model_id), cluster, amount: 0n, units: new Map() };
            const amount = decimalUnits(String(g.amount));
            row.amount += amount;
            if (g.unit_type !== null) row.units.set(String(g.unit_type), { cost: amount, units: g.units === null ? null : decimalUnits(String(g.units)) });
            direct.set(key, row);
        }
        const rowsOfPeriod = [...direct.values()];
        const own = rowsOfPeriod.filter((r) => r.model !== "shared");
        const sharedRows = rowsOfPeriod.filter((r) => r.model === "shared");
        const pool = sharedRows.reduce((a, r) => a + r.amount, 0n) + (opts.allocateUnallocated ? unallocated.filter((u) => u.billing_period === period).reduce((a, u) => a + decimalUnits(String(u.amount)), 0n) : 0n);
        const teams = [...new Set(own.map((r) => r.team))].sort();
        const weight = (team: string): bigint => {
            const mine = own.filter((r) => r.team === team);
            if (opts.allocation === "even") return 1n;
            if (opts.allocation === "model-count") return BigInt(new Set(mine.map((r) => r.model)).size);
            return mine.reduce((a, r) => a + r.amount, 0n);
        };
        const weights = teams.map(weight);
        const weightSum = weights.reduce((a, b) => a + b, 0n);
        const records: { team: string; phase: string; model: string; cluster: string | null; amount: bigint; unit?: { type: string; units: bigint | null; cost: bigint } }[] = own.map((r) => {
            const dominant = [...r.units].sort(([, a], [, b]) => (b.cost > a.cost ? 1 : b.cost < a.cost ? -1 : 0))[0];
            return { team: r.team, phase: r.phase, model: r.model, cluster: r.cluster, amount: r.amount, unit: dominant ? { type: dominant[0], units: dominant[1].units, cost: dominant[1].cost } : undefined };
        });
        if (pool !== 0n && weightSum > 0n) {
            // Integer shares of the pool; what integer division leaves goes to the last team.
            let given = 0n;
            teams.forEach((team, i) => {
                const share = i === teams.length - 1 ? pool - given : (pool * weights[i]) / weightSum;
                given += share;
                records.push({ team, phase: "shared_allocation", model: "shared", cluster: null, amount: share });
            });
        } else {
            for (const r of sharedRows) records.push({ team: r.team, phase: r.phase, model: r.model, cluster: r.cluster, amount: r.amount });
        }
        const rounded = roundToTotal(records.map((r) => r.amount));
        records.forEach((r, i) => {
            const amount = centsToNumber(rounded[i]);
            const units = r.unit?.units === null || r.unit?.units === undefined ? null : Number(r.unit.units) / 1e10;
            out.push({
                billingPeriod: period, sourceTeam: source, targetTeam: r.team, costCategory: r.phase, model: r.model, amount,
                // The price of that unit: the cost of the lines in it over their units (a row may hold other costs too).
                units, unitType: r.unit?.type ?? null, unitRate: units && r.unit ? Number(r.unit.cost) / 1e10 / units : null, cluster: r.cluster,
            });
        });
        const left = opts.allocateUnallocated ? [] : unallocated.filter((u) => u.billing_period === period);
        // One record per cluster (and one for the rest), rounded together so that they sum to the period's unallocated total.
        const cents = roundToTotal(left.map((u) => decimalUnits(String(u.amount))));
        left.forEach((u, i) => out.push({ billingPeriod: period, sourceTeam: source, targetTeam: UNALLOCATED, costCategory: UNALLOCATED, model: UNALLOCATED, amount: centsToNumber(cents[i]), units: null, unitType: null, unitRate: null, cluster: u.cluster === null ? null : String(u.cluster) }));
    }
    return out;
}
