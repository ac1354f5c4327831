/**
 * `npm run bench:report`: the full `tagguard report` of a generated FOCUS Parquet file with 10 million
 * rows against DuckDB's bare `SUM(EffectiveCost) GROUP BY` over the same file, alternately in one run
 * (target <= 1.5x). Two bare baselines: grouped by `Tags` (what a cost-by-tag report must read) and by
 * `ServiceName` (two narrow columns, no tags read). Peak memory is the process's maximum resident set.
 *
 *   node bench/out/report.js                     the benchmark
 *   node bench/out/report.js generate ROWS FILE  (also used for the HTML screenshot) write a FOCUS Parquet file
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import { attributionReport } from "../cli/report/report";
import { median } from "./harness";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/**
 * FOCUS rows over 30 days: 2,000 resources of 6 models and 4 teams on 6 services, Tags as a MAP as AWS
 * writes them; one resource in ten untagged, one in twenty with `CostCenter` spelled that way, taxes and
 * credits, a cost spike on day 25 for one model.
 */
export async function generateFocusParquet(rows: number, file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(`COPY (
        WITH r AS (SELECT i, i % 2000 AS res, (i // 7) % 30 AS d FROM range(${rows}) t(i))
        SELECT
            (CASE WHEN i % 997 = 0 THEN 'Tax' WHEN i % 1999 = 0 THEN 'Credit' ELSE 'Usage' END) AS ChargeCategory,
            round((CASE WHEN i % 1999 = 0 THEN -1 ELSE 1 END) * (0.001 + (res % 37) * 0.0123 + (CASE WHEN d = 25 AND res % 6 = 2 THEN 0.9 ELSE 0 END)), 6) AS EffectiveCost,
            round((CASE WHEN i % 1999 = 0 THEN -1 ELSE 1 END) * (0.0012 + (res % 37) * 0.0131), 6) AS BilledCost,
            'USD' AS BillingCurrency,
            TIMESTAMP '2026-10-01' AS BillingPeriodStart,
            TIMESTAMP '2026-10-01' + to_days(CAST(d AS INTEGER)) + to_hours(CAST(i % 24 AS INTEGER)) AS ChargePeriodStart,
            ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service', 'Amazon SageMaker', 'Amazon Elastic Kubernetes Service', 'Amazon Managed Streaming for Apache Kafka', 'AWS Lambda'][1 + res % 6] AS ServiceName,
            'arn:aws:service:us-east-1:123456789012:resource/r-' || res AS ResourceId,
            CASE WHEN res % 10 = 9 THEN MAP {'Name': 'r-' || res}
                 ELSE MAP {'team': ['fraud', 'search', 'recsys', 'platform'][1 + res % 4],
                           (CASE WHEN res % 20 = 3 THEN 'CostCenter' ELSE 'cost_center' END): 'cc-' || (1000 + res % 4),
                           'project': 'ml', 'model_id': ['fraud-xgb-v3', 'fraud-gnn', 'ranker', 'recs-two-tower', 'embedder', 'shared'][1 + res % 6],
                           'environment': 'production', 'lifecycle_phase': ['training', 'inference', 'feature_pipeline'][1 + res % 3],
                           'created_by': 'automation', 'managed_by': 'pulumi'} END AS Tags
        FROM r
    ) TO ${`'${file.replace(/'/g, "''")}'`} (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
}

async function bare(file: string, groupBy: "Tags" | "ServiceName"): Promise<number> {
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const t0 = performance.now();
    await con.runAndReadAll(`SELECT ${groupBy}, SUM(EffectiveCost) FROM read_parquet('${file}') GROUP BY ${groupBy}`);
    const ms = performance.now() - t0;
    con.closeSync();
    db.closeSync();
    return ms;
}

async function full(file: string): Promise<number> {
    const t0 = performance.now();
    await attributionReport({ files: [file], schema: "focus", measure: "effective", allocation: "proportional", allocateUnallocated: false, anomaly: { warning: 3, critical: 5, baselineDays: 14 } });
    return performance.now() - t0;
}

async function main(): Promise<void> {
    const [mode, count, out] = process.argv.slice(2);
    if (mode === "generate") {
        await generateFocusParquet(Number(count), out);
        return;
    }
    const file = path.join(process.cwd(), "bench", "out", `focus-${ROWS}.parquet`);
    if (!fs.existsSync(file)) await generateFocusParquet(ROWS, file);
    const byTags: number[] = [];
    const byService: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        byTags.push(await bare(file, "Tags"));
        byService.push(await bare(file, "ServiceName"));
        r.push(await full(file));
    }
    const [t, s, f] = [median(byTags), median(byService), median(r)];
    console.log(`bench:report  (${ROWS.toLocaleString("en-US")} FOCUS rows, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB Parquet; median of ${RUNS} alternating runs)`);
    console.log(`  DuckDB SUM(EffectiveCost) GROUP BY Tags          ${(t / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  DuckDB SUM(EffectiveCost) GROUP BY ServiceName   ${(s / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  tagguard report (everything)                     ${(f / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  ratio against GROUP BY Tags                      ${(f / t).toFixed(2).padStart(6)}x  target <= 1.50x`);
    console.log(`  ratio against GROUP BY ServiceName               ${(f / s).toFixed(2).padStart(6)}x  (reads no tags)`);
    console.log(`  peak RSS of this process             ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
