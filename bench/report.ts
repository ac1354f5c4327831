/**
 * `npm run bench:report`: the full `tagguard report` of a generated FOCUS Parquet file with 10 million
 * rows against DuckDB's bare `SUM(EffectiveCost) GROUP BY` over the same file, alternately in one run
 * (target <= 1.5x). Two bare baselines: grouped by `Tags` (what a cost-by-tag report must read) and by
 * `ServiceName` (two narrow columns, no tags read). Then a CUR 2.0 Parquet file of 10 million rows with
 * split cost allocation data against `SUM(line_item_unblended_cost) GROUP BY resource_tags` (target
 * <= 1.5x). Then the HTML report of 400 models over a year against its text report (target <= 1.5x).
 * Peak memory is the process's maximum resident set.
 *
 *   node bench/out/report.js                     the benchmark
 *   node bench/out/report.js generate ROWS FILE  (also used for the HTML screenshot) write a FOCUS Parquet file
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import { attributionReport } from "../cli/report/report";
import { renderReport } from "../cli/report/formats";
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

/**
 * CUR 2.0 rows with split cost allocation data, hour by hour over 30 days, as AWS writes Parquet
 * (resource_tags a MAP): 1,000 GPU nodes of 4 pool-tagged pools; each node-hour the node's line, its 4
 * pods' rows (accelerator, vCPU, GB: 12 rows; one pod in four unlabelled, one node in ten's pods in
 * kube-system) and one line of another service (volumes, buckets) with tags of its own.
 */
export async function generateCurSplitParquet(rows: number, file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const models = "['fraud-xgb-v3', 'fraud-gnn', 'ranker', 'recs-two-tower', 'embedder']";
    const teams = "['fraud', 'fraud', 'search', 'recsys', 'search']";
    await con.run(`COPY (
        WITH r AS (SELECT i, i // 14 AS nh, i % 14 AS k FROM range(${rows}) t(i)),
             s AS (SELECT *, nh % 1000 AS node, nh // 1000 AS hour, (k - 1) // 3 AS pod, (k - 1) % 3 AS res FROM r)
        SELECT
            TIMESTAMP '2026-10-01' AS bill_billing_period_start_date,
            TIMESTAMP '2026-10-01' + to_hours(CAST(hour AS INTEGER)) AS line_item_usage_start_date,
            CASE WHEN k = 0 AND node % 3 = 0 THEN 'SavingsPlanCoveredUsage' ELSE 'Usage' END AS line_item_line_item_type,
            CASE WHEN k = 0 THEN 'AmazonEC2' WHEN k = 13 THEN 'AmazonS3' ELSE 'AmazonEKS' END AS line_item_product_code,
            CASE WHEN k = 0 THEN 'RunInstances' WHEN k = 13 THEN 'PutObject' ELSE 'EKSPod-EC2' END AS line_item_operation,
            CASE WHEN k = 0 THEN 'USE1-BoxUsage:g5.12xlarge' WHEN k = 13 THEN 'USE1-TimedStorage-ByteHrs' ELSE 'USE1-EKS-EC2-' || ['Accelerator', 'vCPU', 'GB'][1 + res] || '-Hours' END AS line_item_usage_type,
            CASE WHEN k = 0 THEN 'i-' || lpad(CAST(node AS VARCHAR), 17, '0') WHEN k = 13 THEN 'bucket-' || node
                 ELSE 'arn:aws:eks:us-east-1:123456789012:pod/ml/' || (CASE WHEN node % 10 = 9 AND pod = 3 THEN 'kube-system' ELSE 'ml' END) || '/pod-' || node || '-' || pod || '/uid-' || node || '-' || pod END AS line_item_resource_id,
            'USD' AS line_item_currency_code,
            CASE WHEN k = 0 THEN 5.672 WHEN k = 13 THEN 0.0123 + (node % 7) * 0.001 ELSE 0 END AS line_item_unblended_cost,
            CASE WHEN k = 0 AND node % 3 = 0 THEN 3.9704 END AS savings_plan_savings_plan_effective_cost,
            CASE WHEN k = 0 THEN 1 WHEN k = 13 THEN 10 ELSE [1, 8, 32][1 + res] END AS line_item_usage_amount,
            CASE WHEN k = 0 THEN 'Hrs' WHEN k = 13 THEN 'GB-Mo' ELSE 'Hrs' END AS pricing_unit,
            CASE WHEN k = 0 THEN MAP {'user_team': 'platform', 'user_cost_center': 'cc-2001', 'user_project': 'ml-platform', 'user_model_id': 'shared', 'user_environment': 'production',
                                      'user_lifecycle_phase': 'training', 'user_created_by': 'automation', 'user_managed_by': 'pulumi', 'user_karpenter_sh_nodepool': 'pool-' || (node % 4)}
                 WHEN k = 13 OR pod = 3 AND node % 2 = 0 THEN MAP {'aws_eks_cluster_name': 'ml', 'aws_eks_namespace': 'ml', 'aws_eks_workload_type': 'ReplicaSet', 'aws_eks_deployment': 'batch-' || (node % 50)}
                 ELSE MAP {'user_team': ${teams}[1 + (node + pod) % 5], 'user_cost_center': 'cc-1042', 'user_project': 'ml', 'user_model_id': ${models}[1 + (node + pod) % 5],
                           'user_environment': 'production', 'user_lifecycle_phase': 'inference', 'user_created_by': 'automation', 'user_managed_by': 'pulumi', 'user_app': 'app-' || ((node + pod) % 5),
                           'aws_eks_cluster_name': 'ml', 'aws_eks_namespace': 'ml', 'aws_eks_workload_type': 'ReplicaSet', 'aws_eks_deployment': 'app-' || ((node + pod) % 5)} END AS resource_tags,
            CASE WHEN k BETWEEN 1 AND 12 THEN 'i-' || lpad(CAST(node AS VARCHAR), 17, '0') END AS split_line_item_parent_resource_id,
            CASE WHEN k BETWEEN 1 AND 12 THEN [1, 8, 32][1 + res] END AS split_line_item_split_usage,
            CASE WHEN k BETWEEN 1 AND 12 THEN round([0.51878, 0.41502, 0.18445][1 + res] * (0.5 + ((node * 7 + pod * 3 + hour) % 10) / 20), 8) END AS split_line_item_split_cost,
            CASE WHEN k BETWEEN 1 AND 12 THEN round([0.17293, 0.41502, 0.18445][1 + res] * 0.3, 8) END AS split_line_item_unused_cost
        FROM s
    ) TO ${`'${file.replace(/'/g, "''")}'`} (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
}

/** FOCUS rows of 400 models (40 teams) over a year, one line per model and day: what the HTML report of a large platform shows. */
export async function generateManyModelsParquet(file: string, models = 400, days = 365): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(`COPY (
        SELECT 'Usage' AS ChargeCategory, round(10 + m % 7 + d % 13 + (CASE WHEN d = 300 AND m % 50 = 1 THEN 80 ELSE 0 END), 2) AS EffectiveCost,
            round(10 + m % 7 + d % 13, 2) AS BilledCost, 'USD' AS BillingCurrency,
            date_trunc('month', TIMESTAMP '2025-12-01' + to_days(CAST(d AS INTEGER))) AS BillingPeriodStart,
            TIMESTAMP '2025-12-01' + to_days(CAST(d AS INTEGER)) AS ChargePeriodStart,
            'Amazon Elastic Compute Cloud' AS ServiceName, 'i-' || m AS ResourceId,
            MAP {'team': 'team-' || (m % 40), 'model_id': 'model-' || m, 'lifecycle_phase': ['training', 'inference', 'feature_pipeline'][1 + m % 3],
                 'cost_center': 'cc-1000', 'project': 'ml', 'environment': 'production', 'created_by': 'automation', 'managed_by': 'pulumi'} AS Tags
        FROM range(${models}) a(m), range(${days}) b(d)
    ) TO ${`'${file.replace(/'/g, "''")}'`} (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
}

/** The lowest and highest ratio of the runs made side by side: this machine's drift shows in both. */
const pairwise = (measured: number[], baseline: number[]): string => {
    const ratios = measured.map((m, i) => m / baseline[i]);
    return `${Math.min(...ratios).toFixed(2)}x to ${Math.max(...ratios).toFixed(2)}x`;
};

async function bare(file: string, groupBy: string, cost = "EffectiveCost"): Promise<number> {
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const t0 = performance.now();
    await con.runAndReadAll(`SELECT ${groupBy}, SUM(${cost}) FROM read_parquet('${file}') GROUP BY ${groupBy}`);
    const ms = performance.now() - t0;
    con.closeSync();
    db.closeSync();
    return ms;
}

async function full(file: string, schema: "focus" | "cur2"): Promise<number> {
    const t0 = performance.now();
    await attributionReport({ files: [file], schema, measure: "effective", allocation: "proportional", allocateUnallocated: false, anomaly: { warning: 3, critical: 5, baselineDays: 14 } });
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
        r.push(await full(file, "focus"));
    }
    const [t, s, f] = [median(byTags), median(byService), median(r)];
    console.log(`bench:report  (${ROWS.toLocaleString("en-US")} FOCUS rows, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB Parquet; median of ${RUNS} alternating runs)`);
    console.log(`  DuckDB SUM(EffectiveCost) GROUP BY Tags          ${(t / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  DuckDB SUM(EffectiveCost) GROUP BY ServiceName   ${(s / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  tagguard report (everything)                     ${(f / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  ratio against GROUP BY Tags                      ${(f / t).toFixed(2).padStart(6)}x  target <= 1.50x  (run by run: ${pairwise(r, byTags)})`);
    console.log(`  ratio against GROUP BY ServiceName               ${(f / s).toFixed(2).padStart(6)}x  (reads no tags)`);

    const cur = path.join(process.cwd(), "bench", "out", `cur2-split-${ROWS}.parquet`);
    if (!fs.existsSync(cur)) await generateCurSplitParquet(ROWS, cur);
    const curBare: number[] = [];
    const curFull: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        curBare.push(await bare(cur, "resource_tags", "line_item_unblended_cost"));
        curFull.push(await full(cur, "cur2"));
    }
    const [cb, cf] = [median(curBare), median(curFull)];
    console.log(`bench:report  (${ROWS.toLocaleString("en-US")} CUR 2.0 rows with split cost allocation data, ${(fs.statSync(cur).size / 1e6).toFixed(0)} MB Parquet; median of ${RUNS} alternating runs)`);
    console.log(`  DuckDB SUM(line_item_unblended_cost) GROUP BY resource_tags  ${(cb / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  tagguard report (everything, pods apportioned)               ${(cf / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  ratio                                                        ${(cf / cb).toFixed(2).padStart(6)}x  target <= 1.50x  (run by run: ${pairwise(curFull, curBare)})`);

    // The HTML report of hundreds of models over a year: rendered in time linear in the report's rows.
    const many = path.join(process.cwd(), "bench", "out", "focus-400-models-365-days.parquet");
    if (!fs.existsSync(many)) await generateManyModelsParquet(many);
    const built: number[] = [];
    const asText: number[] = [];
    const asHtml: number[] = [];
    let htmlBytes = 0;
    for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const report = await attributionReport({ files: [many], schema: "focus", measure: "effective", allocation: "proportional", allocateUnallocated: false, anomaly: { warning: 3, critical: 5, baselineDays: 14 } });
        const t1 = performance.now();
        renderReport(report, "text");
        const t2 = performance.now();
        htmlBytes = renderReport(report, "html").length;
        built.push(t1 - t0);
        asText.push(t2 - t1);
        asHtml.push(performance.now() - t2);
    }
    const [b, tx, h] = [median(built), median(asText), median(asHtml)];
    console.log(`bench:report  (400 models over 365 days, 146,000 FOCUS rows; median of ${RUNS} runs)`);
    console.log(`  the report (read, attribute, anomalies)      ${(b / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  rendered as text                             ${(tx / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  rendered as HTML (${(htmlBytes / 1e6).toFixed(1)} MB)                   ${(h / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  HTML report against the text report          ${((b + h) / (b + tx)).toFixed(2).padStart(6)}x  target <= 1.50x (and a few seconds)`);
    console.log(`  peak RSS of this process             ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

if (require.main === module) main().catch((e) => {
    console.error(e);
    process.exit(1);
});
