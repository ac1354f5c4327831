/**
 * `tagguard report` on CUR 2.0 exports with split cost allocation data for EKS: rows written the way AWS
 * writes them (the research sheet's columns and row shapes), answers computed here, independently of
 * DuckDB, in exact decimal units.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "csv-parse/sync";
import { DuckDBInstance } from "@duckdb/node-api";
import { attributionReport, type AttributionReport, type ReportOptions } from "../../cli/report/report";
import { renderReport } from "../../cli/report/formats";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const EXAMPLE = path.join(ROOT, "examples", "billing", "cur2-eks-shared-gpu.csv");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-split-"));

type Row = Record<string, string | undefined>;
const ACCOUNT = "123456789012";
const podArn = (cluster: string, namespace: string, pod: string): string => `arn:aws:eks:us-east-1:${ACCOUNT}:pod/${cluster}/${namespace}/${pod}/uid-${pod}`;
const set = (team: string, model: string, phase = "training"): Record<string, string> =>
    ({ team, cost_center: "cc-1", project: "p", model_id: model, environment: "production", lifecycle_phase: phase, created_by: "automation", managed_by: "pulumi" });
/** CUR 2.0's resource_tags: user tags as `user_<key, non-alphanumerics as _>`, AWS's as they are. */
const resourceTags = (user: Record<string, string>, aws: Record<string, string> = {}): string =>
    JSON.stringify({ ...Object.fromEntries(Object.entries(user).map(([k, v]) => [`user_${k.replace(/[^A-Za-z0-9]/g, "_")}`, v])), ...aws });
const NODE_SET = { ...set("platform", "shared"), "karpenter.sh/nodepool": "gpu" };
const hourOf = (h: number): string => new Date(Date.UTC(2026, 9, 1, h)).toISOString().replace(".000", "");

/** A node's compute line for an hour. */
const node = (id: string, hour: number, cost: string, extra: Row = {}): Row => ({
    bill_billing_period_start_date: "2026-10-01", line_item_usage_start_date: hourOf(hour), line_item_line_item_type: "Usage", line_item_product_code: "AmazonEC2",
    line_item_resource_id: id, line_item_currency_code: "USD", line_item_unblended_cost: cost, line_item_operation: "RunInstances", line_item_usage_type: "USE1-BoxUsage:g5.12xlarge",
    line_item_usage_amount: "1", pricing_unit: "Hrs", resource_tags: resourceTags(NODE_SET), ...extra,
});
type Resource = "gpu" | "vcpu" | "gb";
const USAGE_TYPE: Record<Resource, string> = { gpu: "USE1-EKS-EC2-Accelerator-Hours", vcpu: "USE1-EKS-EC2-vCPU-Hours", gb: "USE1-EKS-EC2-GB-Hours" };
interface PodSpec { cluster?: string; namespace: string; pod: string; labels: Record<string, string>; deployment?: string; workload?: [type: string, name: string] }
/** A pod's row for one resource in an hour on a node. */
const podRow = (p: PodSpec, parent: string, hour: number, r: Resource, usage: number, split: string, unused: string, extra: Row = {}): Row => ({
    bill_billing_period_start_date: "2026-10-01", line_item_usage_start_date: hourOf(hour), line_item_line_item_type: "Usage", line_item_product_code: "AmazonEKS",
    line_item_resource_id: podArn(p.cluster ?? "ml", p.namespace, p.pod), line_item_currency_code: "USD", line_item_unblended_cost: "0", line_item_operation: "EKSPod-EC2",
    line_item_usage_type: USAGE_TYPE[r], line_item_usage_amount: String(usage), pricing_unit: "Hrs",
    resource_tags: resourceTags(p.labels, {
        aws_eks_cluster_name: p.cluster ?? "ml", aws_eks_namespace: p.namespace, aws_eks_node: parent,
        ...(p.deployment ? { aws_eks_workload_type: "ReplicaSet", aws_eks_deployment: p.deployment } : p.workload ? { aws_eks_workload_type: p.workload[0], aws_eks_workload_name: p.workload[1] } : {}),
    }),
    split_line_item_parent_resource_id: parent, split_line_item_split_usage: String(usage), split_line_item_split_cost: split, split_line_item_unused_cost: unused, ...extra,
});

function writeCsv(name: string, rows: Row[]): string {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const cell = (v: string | undefined): string => (v === undefined ? "" : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${[columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`);
    return file;
}

/** The same rows as Parquet, resource_tags a MAP as AWS writes it, the columns named in `typed` as DOUBLE and the rest text. */
async function writeParquet(name: string, csv: string, typed: readonly string[]): Promise<string> {
    const file = path.join(dir, name);
    const con = await (await DuckDBInstance.create(":memory:")).connect();
    const columns = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_csv('${csv}', all_varchar = true)`)).getRowObjectsJson().map((r) => String(r.column_name));
    const select = columns.map((c) => (c === "resource_tags" ? "CAST(json(resource_tags) AS MAP(VARCHAR, VARCHAR)) AS resource_tags" : typed.includes(c) ? `TRY_CAST(${c} AS DOUBLE) AS ${c}` : c)).join(", ");
    await con.run(`COPY (SELECT ${select} FROM read_csv('${csv}', all_varchar = true)) TO '${file}' (FORMAT parquet)`);
    con.closeSync();
    return file;
}

const options = (files: string[], extra: Partial<ReportOptions> = {}): ReportOptions => ({
    files, measure: "effective", allocation: "proportional", allocateUnallocated: false, anomaly: { warning: 3, critical: 5, baselineDays: 14 }, ...extra,
});
const byKey = (list: { key: string; cost: number }[]): Record<string, number> => Object.fromEntries(list.map((b) => [b.key, b.cost]));

/** Exact decimal in units of 1e-10. */
const units = (s: string): bigint => {
    const [int, frac = ""] = s.replace(/^-/, "").split(".");
    const v = BigInt(int) * 10n ** 10n + BigInt((frac + "0000000000").slice(0, 10));
    return s.startsWith("-") ? -v : v;
};

// The research sheet's worked example: a g5.12xlarge at $5.672 an hour, pod A (llama-ft) 2 GPUs, 16 vCPUs,
// 64 GiB; pod B (ranker) 1 GPU, 8 vCPUs, 32 GiB; AWS's split and unused cost per resource.
const A: PodSpec = { namespace: "ml", pod: "llama-ft-5d8f-a1", labels: set("research", "llama-ft"), deployment: "llama-ft" };
const B: PodSpec = { namespace: "ml", pod: "ranker-7c9b-b2", labels: set("search", "ranker"), deployment: "ranker" };
const WORKED: [PodSpec, Resource, number, string, string][] = [
    [A, "gpu", 2, "1.03756", "0.34585"], [A, "vcpu", 16, "0.83005", "0.83005"], [A, "gb", 64, "0.36891", "0.36891"],
    [B, "gpu", 1, "0.51878", "0.17293"], [B, "vcpu", 8, "0.41502", "0.41502"], [B, "gb", 32, "0.18445", "0.18445"],
];
const workedPods = (parent: string, hour = 0, extra: Row = {}): Row[] => WORKED.map(([p, r, u, s, x]) => podRow(p, parent, hour, r, u, s, x, extra));
/** What AWS's figures give once the node's cost in the report's measure is divided by them: pool * weight / (split + unused). */
const expected = (pool: number, idle: "separate" | "share"): { a: number; b: number; idle: number } => {
    const sum = (p: PodSpec, column: 3 | 4) => WORKED.filter((w) => w[0] === p).reduce((acc, w) => acc + Number(w[column]), 0);
    const all = WORKED.reduce((acc, w) => acc + Number(w[3]) + Number(w[4]), 0);
    const weight = (p: PodSpec) => sum(p, 3) + (idle === "share" ? sum(p, 4) : 0);
    const a = (pool * weight(A)) / all;
    const b = (pool * weight(B)) / all;
    return { a, b, idle: pool - a - b };
};

describe("the research sheet's worked example: one node, two pods, one hour", () => {
    const onDemand = writeCsv("worked.csv", [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01")]);
    // Under a Savings Plan: billed 8.10 and negated; the amortized cost is the plan's effective cost.
    const planned = writeCsv("worked-sp.csv", [
        node("i-0gpu01", 0, "8.10", { line_item_line_item_type: "SavingsPlanCoveredUsage", savings_plan_savings_plan_effective_cost: "5.672" }),
        node("i-0gpu01", 0, "-8.10", { line_item_line_item_type: "SavingsPlanNegation" }),
        node("i-0gpu01", 0, "3.0", { line_item_operation: "RunInstances:SV001", line_item_usage_type: "USE1-SpotUsage:g5.12xlarge", line_item_resource_id: "i-0spot" }),
        ...workedPods("i-0gpu01"),
    ]);

    test.each([
        ["on demand", "effective", onDemand, 5.672], ["on demand", "billed", onDemand, 5.672],
        ["a Savings Plan", "effective", planned, 5.672], ["a Savings Plan", "billed", planned, 0],
    ] as const)("%s, %s cost: --idle separate gives the sheet's split costs and its idle capacity, to the cent", async (_what, measure, file, pool) => {
        const r = await attributionReport(options([file], { measure, idle: "separate" }));
        const want = expected(pool, "separate");
        if (pool) {
            // The sheet's own figures: A 2.23652, B 1.11825, idle 2.31721.
            expect(want.a).toBeCloseTo(2.23652, 4);
            expect(want.idle).toBeCloseTo(2.31721, 4);
        }
        const [ml] = r.clusters;
        expect(ml.byModel.map((b) => [b.key, b.cost.toFixed(2)])).toEqual(pool ? [["llama-ft", want.a.toFixed(2)], ["ranker", want.b.toFixed(2)]] : [["llama-ft", "0.00"], ["ranker", "0.00"]]);
        expect(byKey(r.byModel)["llama-ft"]).toBeCloseTo(want.a, 8);
        expect(byKey(r.byModel).ranker).toBeCloseTo(want.b, 8);
        expect(ml.idle).toBeCloseTo(want.idle, 8);
        expect(ml.idleByNodePool).toEqual(pool ? [{ key: "gpu", cost: ml.idle }] : []);
        // The idle capacity is the platform's, on the node's own tags.
        const spotNode = file === planned ? 3 : 0;
        expect(byKey(r.byTeam).platform - spotNode).toBeCloseTo(want.idle, 8);
        // Apportioned, never added: the node's cost once, to the cent, in exact arithmetic.
        expect(ml.nodeCost).toBeCloseTo(pool, 10);
        expect(r.reconciliation.balanced).toBe(true);
        expect(r.total).toBeCloseTo(pool + spotNode, 10);
        expect(r.split).toEqual({ idle: "separate", nodeHours: 1, pods: 2, orphanPodRows: 0 });
    });

    test.each([["effective"], ["billed"]] as const)("--idle share spreads the unused cost over the pods as AWS does (%s cost): A 3.78133, B 1.89065", async (measure) => {
        const r = await attributionReport(options([onDemand], { measure, idle: "share" }));
        const want = expected(5.672, "share");
        expect(want.a).toBeCloseTo(3.78133, 4);
        expect(want.b).toBeCloseTo(1.89065, 4);
        expect(byKey(r.byModel)).toEqual({ "llama-ft": expect.closeTo(want.a, 9), ranker: expect.closeTo(want.b, 9) });
        const [ml] = r.clusters;
        // Both pods' pieces add up to the node to the last unit: nothing left on the node's tags.
        expect(units(String(ml.allocated.toFixed(10)))).toBe(units("5.672"));
        expect(byKey(r.byTeam).platform).toBeUndefined();
        expect(ml.idle).toBeCloseTo(2.31721, 4);
        expect(r.split?.idle).toBe("share");
    });

    test("the pieces' units are GPU-hours, so chargeback and unit economics price a GPU-hour", async () => {
        const r = await attributionReport(options([onDemand]));
        const llama = r.chargeback.find((c) => c.model === "llama-ft")!;
        expect(llama).toMatchObject({ units: 2, unitType: "GPU-hours", cluster: "ml", targetTeam: "research" });
        expect(llama.unitRate).toBeCloseTo(expected(5.672, "separate").a / 2, 6);
    });

    test("the same rows in Parquet, resource_tags a MAP and the split columns numbers or text, give the same report", async () => {
        const csvReport = await attributionReport(options([onDemand]));
        const numeric = await writeParquet("worked.parquet", onDemand, ["line_item_unblended_cost", "split_line_item_split_cost", "split_line_item_unused_cost", "split_line_item_split_usage"]);
        const text = await writeParquet("worked-text.parquet", onDemand, ["line_item_unblended_cost"]);
        for (const file of [numeric, text]) {
            const r = await attributionReport(options([file]));
            expect({ ...r, sources: [] }).toEqual({ ...csvReport, sources: [] });
        }
        // Two files whose columns' types differ (a number in one, text in the other) are read together.
        const both = await attributionReport(options([numeric, text]));
        expect(both.total).toBeCloseTo(2 * 5.672, 10);
        expect(both.clusters[0].idle).toBeCloseTo(2 * expected(5.672, "separate").idle, 8);
    });
});

describe("many nodes and hours, against figures computed here", () => {
    // 3 nodes over 30 hours; each node-hour a varying set of pods of 4 models with varying shares; costs with 10 decimals.
    const rows: Row[] = [];
    const want = new Map<string, number>();
    let total = 0n;
    const add = (k: string, v: number) => want.set(k, (want.get(k) ?? 0) + v);
    const models = ["m-a", "m-b", "m-c", "m-d"];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let h = 0; h < 30; h++) {
        for (const id of ["i-0a", "i-0b", "i-0c"]) {
            const cost = (1 + next() * 9).toFixed(10);
            rows.push(node(id, h, cost));
            total += units(cost);
            const pods = models.filter(() => next() < 0.6);
            // Split and unused cost over two resources, as AWS writes them.
            const shares = pods.map(() => [0, 1, 2, 3].map((i) => (next() * (i < 2 ? 0.2 : 0.05)).toFixed(6)));
            const weight = (i: number, columns: number[]) => columns.reduce((a, c) => a + Number(shares[i][c]), 0);
            const weightAll = pods.reduce((a, _, i) => a + weight(i, [0, 1, 2, 3]), 0);
            pods.forEach((m, i) => {
                const spec: PodSpec = { namespace: "ml", pod: `${m}-${id}`, labels: set(`team-${m}`, m), deployment: m };
                rows.push(podRow(spec, id, h, "gpu", 1, shares[i][0], shares[i][2]));
                rows.push(podRow(spec, id, h, "vcpu", 4, shares[i][1], shares[i][3]));
                add(m, (Number(cost) * weight(i, [0, 1])) / weightAll);
            });
            add("shared", pods.length ? Number(cost) * (1 - pods.reduce((a, _, i) => a + weight(i, [0, 1]), 0) / weightAll) : Number(cost));
        }
    }
    const file = writeCsv("many.csv", rows);

    test("every model's pieces, the idle capacity and the total", async () => {
        const r = await attributionReport(options([file]));
        for (const [k, v] of want) expect(byKey(r.byModel)[k]).toBeCloseTo(v, 6);
        expect(units(r.total.toFixed(10))).toBe(total);
        expect(r.reconciliation).toMatchObject({ balanced: true, total: (Number(total) / 1e10).toFixed(2) });
        const [ml] = r.clusters;
        expect(ml.nodeCost + ml.unsplitNodes.reduce((a, u) => a + u.cost, 0)).toBeCloseTo(Number(total) / 1e10, 6);
        expect(r.split!.nodeHours + ml.unsplitNodes.length).toBeGreaterThan(0);
    });

    test("every day's model costs sum to the day's node cost", async () => {
        const r = await attributionReport(options([file]));
        const perDay = new Map<string, number>();
        for (const d of r.dailyByModel) perDay.set(d.day, (perDay.get(d.day) ?? 0) + d.cost);
        const nodeDay = new Map<string, number>();
        for (const row of rows.filter((x) => x.line_item_operation === "RunInstances")) {
            const d = row.line_item_usage_start_date!.slice(0, 10);
            nodeDay.set(d, (nodeDay.get(d) ?? 0) + Number(row.line_item_unblended_cost));
        }
        for (const [d, v] of nodeDay) expect(perDay.get(d)).toBeCloseTo(v, 6);
    });
});

describe("rows the files do not hold together", () => {
    test("pods spread over two files: the same report as one file", async () => {
        const one = await attributionReport(options([writeCsv("one.csv", [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01")])]));
        const pods = workedPods("i-0gpu01");
        const two = await attributionReport(options([writeCsv("part-1.csv", [node("i-0gpu01", 0, "5.672"), ...pods.slice(0, 3)]), writeCsv("part-2.csv", pods.slice(3))]));
        expect({ ...two, sources: [] }).toEqual({ ...one, sources: [] });
    });

    test("pod rows without their node's line are kept, named, and not apportioned", async () => {
        const r = await attributionReport(options([writeCsv("pods-only.csv", workedPods("i-0gpu01"))]));
        expect(r.split).toMatchObject({ nodeHours: 0, pods: 0, orphanPodRows: 6 });
        expect(r.clusters[0]).toMatchObject({ cluster: "ml", orphanPodRows: 6, nodeCost: 0 });
        expect(r.notes.join("\n")).toMatch(/6 pod rows of split cost allocation data name nodes whose own lines are not in these files/);
        expect(renderReport(r, "text")).toMatch(/6 pod rows name nodes whose own lines are not in these files: not apportioned/);
    });

    test("a node's hours without pod rows stay on the node's tags and are named", async () => {
        const file = writeCsv("gap.csv", [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01"), node("i-0gpu01", 1, "5.672"), node("i-0gpu01", 30, "5.672")]);
        const r = await attributionReport(options([file]));
        const [ml] = r.clusters;
        expect(ml.unsplitNodes).toEqual([{ node: "i-0gpu01", days: 2, cost: expect.closeTo(2 * 5.672, 10) }]);
        expect(ml.nodeCost).toBeCloseTo(5.672, 10);
        expect(byKey(r.byModel).shared).toBeCloseTo(expected(5.672, "separate").idle + 2 * 5.672, 8);
        expect(r.total).toBeCloseTo(3 * 5.672, 10);
        expect(renderReport(r, "text")).toMatch(/node i-0gpu01: USD 11\.34 over 2 days in hours without pod rows \(no pods scheduled, or their split rows are not in these files\), left on the node's own tags/);
    });

    test("an export with the split columns but no split rows reads as one without them", async () => {
        const plain = [node("i-0a", 0, "1.25"), node("i-0a", 1, "1.25", { resource_tags: resourceTags(set("fraud", "xgb")) })];
        const without = await attributionReport(options([writeCsv("no-split-columns.csv", plain)]));
        const empty = await attributionReport(options([writeCsv("empty-split-columns.csv", plain.map((r) => ({ ...r, split_line_item_parent_resource_id: "", split_line_item_split_cost: "", split_line_item_unused_cost: "" })))]));
        expect(without.split).toBeNull();
        expect(without.clusters).toEqual([]);
        expect(empty.split).toEqual({ idle: "separate", nodeHours: 0, pods: 0, orphanPodRows: 0 });
        expect({ ...empty, split: null, sources: [] }).toEqual({ ...without, sources: [] });
    });
});

describe("the columns AWS writes in some exports and not others", () => {
    test("the net pair is preferred where it is filled; the gross pair where it is empty", async () => {
        // Net: A's share halved. B's rows leave the net columns empty: their gross figures count.
        const rows = [node("i-0gpu01", 0, "5.672"), ...WORKED.map(([p, r, u, s, x]) => podRow(p, "i-0gpu01", 0, r, u, s, x,
            p === A ? { split_line_item_net_split_cost: String(Number(s) / 2), split_line_item_net_unused_cost: String(Number(x) / 2) } : { split_line_item_net_split_cost: "", split_line_item_net_unused_cost: "" }))];
        const r = await attributionReport(options([writeCsv("net.csv", rows)]));
        const sum = (p: PodSpec, c: 3 | 4) => WORKED.filter((w) => w[0] === p).reduce((acc, w) => acc + Number(w[c]), 0);
        const all = (sum(A, 3) + sum(A, 4)) / 2 + sum(B, 3) + sum(B, 4);
        expect(byKey(r.byModel)["llama-ft"]).toBeCloseTo((5.672 * sum(A, 3)) / 2 / all, 8);
        expect(byKey(r.byModel).ranker).toBeCloseTo((5.672 * sum(B, 3)) / all, 8);
    });

    test("split figures written as text with spaces, or not numbers at all, are read or weigh nothing; the node's cost is never lost", async () => {
        const spaced = await attributionReport(options([writeCsv("spaced.csv", [node("i-0gpu01", 0, "5.672"), ...WORKED.map(([p, r, u, s, x]) => podRow(p, "i-0gpu01", 0, r, u, ` ${s} `, ` ${x}`, { split_line_item_split_usage: ` ${u} ` }))])]));
        expect(byKey(spaced.byModel)["llama-ft"]).toBeCloseTo(expected(5.672, "separate").a, 8);
        expect(spaced.chargeback.find((c) => c.model === "llama-ft")?.units).toBe(2);
        const junk = await attributionReport(options([writeCsv("junk.csv", [node("i-0gpu01", 0, "5.672"), ...WORKED.map(([p, r, u]) => podRow(p, "i-0gpu01", 0, r, u, "n/a", ""))])]));
        expect(byKey(junk.byModel)).toEqual({ shared: expect.closeTo(5.672, 10), "llama-ft": 0, ranker: 0 });
        expect(junk.reconciliation.balanced).toBe(true);
    });

    test("pod rows that carry cost of their own are part of the pool, not added to it", async () => {
        const r = await attributionReport(options([writeCsv("own-cost.csv", [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01", 0, { line_item_unblended_cost: "0.1" })])]));
        expect(r.total).toBeCloseTo(5.672 + 0.6, 10);
        expect(r.clusters[0].nodeCost).toBeCloseTo(5.672 + 0.6, 10);
        expect(byKey(r.byModel)["llama-ft"]).toBeCloseTo(expected(5.672 + 0.6, "separate").a, 8);
    });

    test("pod rows that also carry the node's tags are attributed by the pods' labels", async () => {
        const rows = [node("i-0gpu01", 0, "5.672"), ...WORKED.map(([p, r, u, s, x]) => {
            const row = podRow(p, "i-0gpu01", 0, r, u, s, x);
            return { ...row, resource_tags: JSON.stringify({ ...JSON.parse(resourceTags(NODE_SET)), ...JSON.parse(row.resource_tags!) }) };
        })];
        const r = await attributionReport(options([writeCsv("node-tags-on-pods.csv", rows)]));
        expect(byKey(r.clusters[0].byModel)).toEqual({ "llama-ft": expect.closeTo(expected(5.672, "separate").a, 8), ranker: expect.closeTo(expected(5.672, "separate").b, 8) });
    });

    test("a row naming itself as its parent is the node's own line, not a pod", async () => {
        const r = await attributionReport(options([writeCsv("self-parent.csv", [node("i-0gpu01", 0, "5.672", { split_line_item_parent_resource_id: "i-0gpu01" }), ...workedPods("i-0gpu01")])]));
        expect(r.clusters[0].nodeCost).toBeCloseTo(5.672, 10);
        expect(r.split?.orphanPodRows).toBe(0);
    });

    test("a pod row whose cost is not a number is left out by name, and the rest still apportioned", async () => {
        const rows = [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01")];
        rows[1] = { ...rows[1], line_item_unblended_cost: "abc" };
        const r = await attributionReport(options([writeCsv("bad-pod-cost.csv", rows)]));
        expect(r.reconciliation.skippedLines).toBe(1);
        expect(r.clusters[0].nodeCost).toBeCloseTo(5.672, 10);
    });
});

describe("pods as AWS names them", () => {
    test("labels folded by AWS's rule (`cost-center` as user_cost_center) are the tag set; values judged as tags are", async () => {
        const folded: PodSpec = { namespace: "ml", pod: "p-1", deployment: "folded", labels: { team: "research", "cost-center": "cc-1", project: "p", "model.id": "llama-ft", environment: "production", "lifecycle-phase": "training", created_by: "automation", managed_by: "pulumi" } };
        const invalid: PodSpec = { namespace: "ml", pod: "p-2", deployment: "prod-labelled", labels: { ...set("search", "ranker"), environment: "prod" } };
        const rows = [node("i-0gpu01", 0, "5.672"), ...WORKED.map(([p, r, u, s, x]) => podRow(p === A ? folded : invalid, "i-0gpu01", 0, r, u, s, x))];
        const r = await attributionReport(options([writeCsv("folded.csv", rows)]));
        const [ml] = r.clusters;
        expect(ml.byModel.map((b) => b.key)).toEqual(["llama-ft"]);
        expect(ml.unlabelledWorkloads).toEqual([{ namespace: "ml", workload: "Deployment/prod-labelled", cost: expect.closeTo(expected(5.672, "separate").b, 8) }]);
        expect(r.coverage.find((c) => c.key === "environment")?.invalidValues).toEqual(["prod"]);
    });

    test("unlabelled workloads by namespace and workload: Deployments, Jobs, bare pods; system pods are the cluster's own, on the node's tags", async () => {
        const pods: PodSpec[] = [
            { namespace: "batch", pod: "embed-6f-x", labels: { app: "embed" }, deployment: "embed" },
            { namespace: "batch", pod: "nightly-291-q", labels: {}, workload: ["Job", "nightly-291"] },
            { namespace: "default", pod: "debug-shell", labels: {} },
            { namespace: "kube-system", pod: "aws-node-k7x2q", labels: { "k8s-app": "aws-node" }, workload: ["DaemonSet", "aws-node"] },
        ];
        const rows = [node("i-0gpu01", 0, "10"), ...pods.map((p, i) => podRow(p, "i-0gpu01", 0, "vcpu", 4, String(i + 1), "0"))];
        const r = await attributionReport(options([writeCsv("unlabelled.csv", rows)]));
        const [ml] = r.clusters;
        expect(ml.unlabelledWorkloads).toEqual([
            { namespace: "default", workload: "Pod/debug-shell", cost: 3 },
            { namespace: "batch", workload: "Job/nightly-291", cost: 2 },
            { namespace: "batch", workload: "Deployment/embed", cost: 1 },
        ]);
        expect(ml.system).toBe(4);
        expect(ml.unlabelled).toBe(6);
        expect(byKey(r.byModel)).toEqual({ unallocated: 6, shared: 4 });
        expect(r.topUntagged.map((u) => u.resourceId)).toEqual(["eks/ml/default/Pod/debug-shell", "eks/ml/batch/Job/nightly-291", "eks/ml/batch/Deployment/embed"]);
    });

    test("Fargate pods are their own billed lines, with their labels, in their cluster's view", async () => {
        const fargate = (p: PodSpec, cost: string): Row => ({
            bill_billing_period_start_date: "2026-10-01", line_item_usage_start_date: hourOf(0), line_item_line_item_type: "Usage", line_item_product_code: "AmazonEKS",
            line_item_resource_id: podArn("ml", p.namespace, p.pod), line_item_currency_code: "USD", line_item_unblended_cost: cost, line_item_operation: "FargatePod",
            line_item_usage_type: "USE1-Fargate-vCPU-Hours:perCPU", line_item_usage_amount: "2", pricing_unit: "hours",
            resource_tags: resourceTags(p.labels, { aws_eks_cluster_name: "ml", aws_eks_namespace: p.namespace, aws_eks_workload_type: "ReplicaSet", aws_eks_deployment: p.deployment! }),
        });
        const rows = [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01"),
            fargate({ namespace: "ml", pod: "features-1", labels: set("search", "ranker", "feature_pipeline"), deployment: "features" }, "0.08096"),
            fargate({ namespace: "etl", pod: "loader-1", labels: {}, deployment: "loader" }, "0.5")];
        const r = await attributionReport(options([writeCsv("fargate.csv", rows)]));
        const [ml] = r.clusters;
        expect(ml.fargate).toBeCloseTo(0.58096, 10);
        expect(ml.cost).toBeCloseTo(5.672 + 0.58096, 10);
        expect(byKey(ml.byModel).ranker).toBeCloseTo(expected(5.672, "separate").b + 0.08096, 8);
        expect(ml.unlabelledWorkloads).toEqual([{ namespace: "etl", workload: "Deployment/loader", cost: 0.5 }]);
        expect(r.total).toBeCloseTo(5.672 + 0.58096, 10);
    });

    test("ECS tasks on EC2 (split rows as AWS writes a pod's) are apportioned alike, named by their cluster and service, outside the EKS views", async () => {
        const task = (id: string, labels: Record<string, string>, aws: Record<string, string>, r: Resource, split: string, unused: string): Row => ({
            ...podRow({ namespace: "-", pod: id, labels }, "i-0ecs01", 0, r, 1, split, unused),
            line_item_resource_id: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/batch/${id}`, line_item_product_code: "AmazonECS", line_item_operation: "ECSTask-EC2",
            line_item_usage_type: USAGE_TYPE[r].replace("EKS", "ECS"), resource_tags: resourceTags(labels, aws),
        });
        const rows = [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01"), node("i-0ecs01", 0, "1", { resource_tags: resourceTags(set("platform", "shared")) }),
            task("0a1b", set("search", "ranker"), { aws_ecs_clusterName: "batch", aws_ecs_serviceName: "ranker-svc" }, "vcpu", "0.3", "0.1"),
            task("0a1b", set("search", "ranker"), { aws_ecs_clusterName: "batch", aws_ecs_serviceName: "ranker-svc" }, "gb", "0.1", "0"),
            task("9f8e", {}, {}, "vcpu", "0.4", "0.1")];
        const r = await attributionReport(options([writeCsv("ecs.csv", rows)]));
        expect(r.reconciliation.balanced).toBe(true);
        // Only the EKS cluster has a view; the ECS instance's cost went to its tasks by their shares and its idle capacity to its own tags.
        expect(r.clusters.map((c) => c.cluster)).toEqual(["ml"]);
        expect(r.clusters[0].nodeCost).toBeCloseTo(5.672, 10);
        expect(byKey(r.byModel).ranker).toBeCloseTo(expected(5.672, "separate").b + 0.4, 8);
        expect(r.topUntagged.map((u) => [u.resourceId, u.cost])).toContainEqual(["ecs/batch/Task/9f8e", expect.closeTo(0.4, 8)]);
        expect(r.topUntagged.some((u) => u.resourceId.startsWith("eks/?"))).toBe(false);
    });

    test("two clusters, each with its own view; the node pool from Karpenter's or the node group's tag", async () => {
        const other: PodSpec = { cluster: "batch", namespace: "jobs", pod: "j-1", labels: set("fraud", "xgb"), deployment: "xgb" };
        const rows = [node("i-0gpu01", 0, "5.672"), ...workedPods("i-0gpu01"),
            node("i-0cpu01", 0, "2", { resource_tags: resourceTags({ ...set("platform", "shared"), "eks:nodegroup-name": "cpu-workers" }) }), podRow(other, "i-0cpu01", 0, "vcpu", 8, "0.5", "0.5")];
        const r = await attributionReport(options([writeCsv("two-clusters.csv", rows)]));
        expect(r.clusters.map((c) => [c.cluster, c.nodeCost, c.idleByNodePool])).toEqual([
            ["batch", 2, [{ key: "cpu-workers", cost: 1 }]],
            ["ml", expect.closeTo(5.672, 10), [{ key: "gpu", cost: expect.closeTo(expected(5.672, "separate").idle, 8) }]],
        ]);
    });
});

describe("outputs name the idle mode and show each cluster", () => {
    let separate: AttributionReport;
    let share: AttributionReport;
    beforeAll(async () => {
        separate = await attributionReport(options([EXAMPLE]));
        share = await attributionReport(options([EXAMPLE], { idle: "share" }));
    });

    test("the example reconciles under both modes, and share moves the idle capacity from the platform to the pods", () => {
        for (const r of [separate, share]) expect(r.reconciliation.balanced).toBe(true);
        expect(share.total).toBe(separate.total);
        const [s, h] = [separate.clusters[0], share.clusters[0]];
        expect(h.cost).toBeCloseTo(s.cost, 8);
        expect(h.idle).toBeCloseTo(s.idle, 6);
        expect(h.allocated + h.unlabelled + h.system).toBeCloseTo(s.allocated + s.unlabelled + s.system + s.idle, 6);
        expect(byKey(separate.byTeam).platform - byKey(share.byTeam).platform).toBeCloseTo(s.idle + s.system - h.system, 6);
    });

    test("text, JSON, CSV and HTML", () => {
        expect(renderReport(separate, "text")).toMatch(/Shared EKS clusters \(.*idle capacity reported apart, on the nodes' own tags \(--idle separate\)/);
        expect(renderReport(share, "text")).toMatch(/idle capacity spread over the pods, as AWS does \(--idle share\)/);
        expect(renderReport(separate, "text")).toMatch(/\n  ml: USD [\d,.]+ \(EC2 nodes USD [\d,.]+, Fargate pods USD [\d,.]+\) = labelled pods USD [\d,.]+ \+ unlabelled pods USD [\d,.]+ \+ cluster components USD [\d,.]+ \+ idle USD [\d,.]+\n/);
        expect(renderReport(separate, "text")).toMatch(/unlabelled workloads .*\n +USD [\d,.]+ {2}ml\/Deployment\/embedding-batch/);
        const json = JSON.parse(renderReport(share, "json")) as AttributionReport;
        expect(json.split?.idle).toBe("share");
        expect(json.clusters[0].cluster).toBe("ml");
        const csv = parse(renderReport(separate, "csv"), { columns: true }) as Record<string, string>[];
        expect(csv.filter((c) => c.cluster === "ml").every((c) => c.idle_mode === "separate")).toBe(true);
        expect(csv.filter((c) => c.cluster === "").every((c) => c.idle_mode === "")).toBe(true);
        expect(csv.find((c) => c.model_id === "fraud-xgb-v3" && c.cluster === "ml")).toMatchObject({ unit_type: "GPU-hours" });
        const html = renderReport(separate, "html");
        expect(html).toContain("<h2>Shared EKS clusters</h2>");
        expect(html).toContain("idle capacity reported apart, on the nodes&#39; own tags (--idle separate)");
        expect(html).toMatch(/<svg viewBox="0 0 760 32"[^>]*aria-label="ml: nodes&#39; cost by model, unlabelled pods and idle capacity">/);
    });

    test("the CLI takes --idle and refuses a mode it does not know", () => {
        const ok = spawnSync(process.execPath, [BIN, "report", EXAMPLE, "--idle", "share", "--format", "json"], { encoding: "utf8", cwd: ROOT });
        expect(ok.status).toBe(0);
        expect((JSON.parse(ok.stdout) as AttributionReport).split?.idle).toBe("share");
        const bad = spawnSync(process.execPath, [BIN, "report", EXAMPLE, "--idle", "spread"], { encoding: "utf8", cwd: ROOT });
        expect(bad.status).toBe(2);
        expect(bad.stderr).toMatch(/--idle.*spread.*separate, share/);
    });
});

describe("exports without split data", () => {
    test("a FOCUS export with EKS nodes says per-pod cost needs CUR 2.0 with split cost allocation data", async () => {
        const file = path.join(dir, "focus-eks.csv");
        const tags = JSON.stringify({ ...set("platform", "shared"), "user:eks:cluster-name": "ml" }).replace(/"/g, '""');
        fs.writeFileSync(file, `BilledCost,EffectiveCost,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart,ServiceName,ResourceId,ConsumedQuantity,ConsumedUnit,x_UsageType,Tags
5.672,5.672,USD,2026-10-01,Usage,2026-10-01,Amazon Elastic Compute Cloud,i-0gpu01,1,Hrs,USE1-BoxUsage:g5.12xlarge,"${tags}"\n`);
        const r = await attributionReport(options([file]));
        expect(r.split).toBeNull();
        expect(r.notes.join("\n")).toMatch(/1 EKS node \(USD 5\.67\) are attributed by the nodes' own tags: AWS's FOCUS exports carry no split cost allocation data/);
    });

    test("a CUR 2.0 export with EKS nodes and no split columns says to enable them", async () => {
        const r = await attributionReport(options([writeCsv("cur-no-split.csv", [node("i-0gpu01", 0, "5.672"), node("i-0gpu02", 0, "1")])]));
        expect(r.notes.join("\n")).toMatch(/2 EKS nodes \(USD 6\.67\) have no split cost allocation rows in these files .*INCLUDE_SPLIT_COST_ALLOCATION_DATA/);
    });
});

describe("hostile split figures", () => {
    test("weights and usage that are negative, infinite, not a number or absurdly large never break the report nor lose the node's cost", async () => {
        const odd = ["NaN", "inf", "-Infinity", "-1", "1e400", "1e300", "0x10", "1,5"];
        const rows = [node("i-0gpu01", 0, "5.672"), ...odd.map((w, i) => podRow({ namespace: "ml", pod: `p-${i}`, labels: set("research", `m-${i}`), deployment: `d-${i}` }, "i-0gpu01", 0, "vcpu", 1, w, w, { split_line_item_split_usage: w }))];
        for (const idle of ["separate", "share"] as const) {
            const r = await attributionReport(options([writeCsv("hostile.csv", rows)], { idle }));
            expect(r.reconciliation.balanced).toBe(true);
            expect(units(r.total.toFixed(10))).toBe(units("5.672"));
            // Only the finite, non-negative weights count, and 1e300 outweighs the rest: its split cost takes
            // half the node (its unused cost, as large, the other half), or all of it under share.
            expect(byKey(r.clusters[0].byModel)["m-5"]).toBeCloseTo(idle === "share" ? 5.672 : 5.672 / 2, 8);
            for (const c of r.chargeback) expect(c.units === null || Number.isFinite(c.units)).toBe(true);
        }
    });

    test("weights as small as a double can hold still divide the node by their shares, and a total that overflows never breaks the report", async () => {
        // 5e-324 is the smallest double: the pool divided by such a total is infinite, a share of it is not.
        const tiny = [["5e-324", "5e-324"], ["1e-320", "0"], ["2e-320", "1e-320"]];
        const rows = [node("i-0gpu01", 0, "5.672"), ...tiny.map(([split, unused], i) => podRow({ namespace: "ml", pod: `p-${i}`, labels: set("research", `m-${i}`), deployment: `d-${i}` }, "i-0gpu01", 0, "vcpu", 1, split, unused))];
        // Two weights near the largest double: their total is infinite, so neither has a share; the node's cost is idle.
        const huge = [node("i-0gpu02", 0, "2"), ...[0, 1].map((i) => podRow({ namespace: "ml", pod: `q-${i}`, labels: set("search", `n-${i}`), deployment: `e-${i}` }, "i-0gpu02", 0, "vcpu", 1, "1.7e308", "0"))];
        for (const idle of ["separate", "share"] as const) {
            const r = await attributionReport(options([writeCsv("tiny.csv", [...rows, ...huge])], { idle }));
            expect(r.reconciliation.balanced).toBe(true);
            expect(units(r.total.toFixed(10))).toBe(units("7.672"));
            const models = byKey(r.clusters[0].byModel);
            const total = 5e-324 * 2 + 1e-320 + 2e-320 + 1e-320;
            // The share first: 5.672 times a subnormal weight would itself round to a whole number of the smallest double.
            const share = (split: number, unused: number): number => 5.672 * ((idle === "share" ? split + unused : split) / total);
            expect(models["m-0"]).toBeCloseTo(share(5e-324, 5e-324), 6);
            expect(models["m-1"]).toBeCloseTo(share(1e-320, 0), 6);
            expect(models["m-2"]).toBeCloseTo(share(2e-320, 1e-320), 6);
            expect(models["n-0"] ?? 0).toBe(0);
            // Idle under either mode: the second node whole, and the first node's unused share (taken by the pods under share).
            expect(r.clusters[0].idle).toBeCloseTo(2 + 5.672 * ((5e-324 + 0 + 1e-320) / total), 6);
        }
    });
});
