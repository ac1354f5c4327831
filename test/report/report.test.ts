import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "csv-parse/sync";
import { attributionReport, normalizeKey, type ReportOptions } from "../../cli/report/report";

const ROOT = path.join(__dirname, "..", "..");
const SAMPLE = path.join(ROOT, "test", "fixtures", "focus", "focus_sample.csv");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-report-"));

const base = (files: string[], extra: Partial<ReportOptions> = {}): ReportOptions => ({
    files, schema: "focus", measure: "effective", allocation: "proportional", allocateUnallocated: false, anomaly: { warning: 3, critical: 5, baselineDays: 14 }, ...extra,
});

/** Exact decimal sums in units of 1e-10, independent of DuckDB. */
const units = (s: string | undefined): bigint => {
    if (!s || s === "NULL") return 0n;
    const [int, frac = ""] = s.replace(/^-/, "").split(".");
    const v = BigInt(int) * 10n ** 10n + BigInt((frac + "0000000000").slice(0, 10));
    return s.startsWith("-") ? -v : v;
};
const toNumber = (u: bigint): number => Number(u) / 1e10;

describe("the FOCUS sample (CC BY 4.0), against figures computed here", () => {
    const rows = parse(fs.readFileSync(SAMPLE, "utf8"), { columns: true }) as Record<string, string>[];
    const tagsOf = (r: Record<string, string>): Record<string, string> => (r.Tags && r.Tags !== "NULL" ? JSON.parse(r.Tags) as Record<string, string> : {});
    let report: Awaited<ReturnType<typeof attributionReport>>;
    beforeAll(async () => {
        report = await attributionReport(base([SAMPLE]));
    });

    test("totals by charge category, to the cent", () => {
        const sum = (pred: (r: Record<string, string>) => boolean) => toNumber(rows.filter(pred).reduce((a, r) => a + units(r.EffectiveCost), 0n));
        expect(report.total).toBeCloseTo(sum(() => true), 8);
        expect(report.usageTotal).toBeCloseTo(sum((r) => r.ChargeCategory === "Usage"), 8);
        const categories = [...new Set(rows.map((r) => r.ChargeCategory))].filter((c) => c !== "Usage").sort();
        expect(report.separateLines.map((s) => s.key)).toEqual(categories);
        for (const s of report.separateLines) expect(s.cost).toBeCloseTo(sum((r) => r.ChargeCategory === s.key), 8);
        expect(report.reconciliation).toMatchObject({ balanced: true, total: report.total.toFixed(2), skippedLines: 0 });
        expect(report.currency).toBe("USD");
        expect(report.costMeasure).toBe("effective");
    });

    test("the sample's key variants are normalized: env and environment, CostCenter, Project", () => {
        expect(report.keyVariants).toEqual([
            { key: "cost_center", variants: ["CostCenter"] },
            { key: "environment", variants: ["environment", "env"] },
            { key: "project", variants: ["Project"] },
        ]);
        const usage = rows.filter((r) => r.ChargeCategory === "Usage");
        const envOf = (r: Record<string, string>) => { const t = tagsOf(r); return t.env ?? t.environment; };
        const byEnv = new Map<string, bigint>();
        for (const r of usage) byEnv.set(envOf(r) || "unallocated", (byEnv.get(envOf(r) || "unallocated") ?? 0n) + units(r.EffectiveCost));
        expect(Object.fromEntries(report.byEnvironment.map((b) => [b.key, b.cost.toFixed(6)]))).toEqual(Object.fromEntries([...byEnv].map(([k, v]) => [k, toNumber(v).toFixed(6)])));
        const withCostCenter = usage.filter((r) => tagsOf(r).CostCenter).reduce((a, r) => a + units(r.EffectiveCost), 0n);
        expect(report.coverage.find((c) => c.key === "cost_center")!.fraction).toBeCloseTo(toNumber(withCostCenter) / report.usageTotal, 10);
        expect(report.coverage.filter((c) => !c.presentInExport).map((c) => c.key)).toEqual(["team", "model_id", "lifecycle_phase", "created_by", "managed_by"]);
        expect(report.byModel).toEqual([{ key: "unallocated", cost: report.usageTotal }]);
    });

    test("billed cost is a separate measure, and says so", async () => {
        const billed = await attributionReport(base([SAMPLE], { measure: "billed" }));
        expect(billed.costMeasure).toBe("billed");
        expect(billed.total).toBeCloseTo(toNumber(rows.reduce((a, r) => a + units(r.BilledCost), 0n)), 8);
    });

    test("normalizeKey", () => {
        expect(["Team", " team ", "cost-center", "CostCenter", "Cost Center", "env", "Environment", "owner_team"].map((k) => normalizeKey(k, { OWNER_TEAM: "team" })))
            .toEqual(["team", "team", "cost_center", "cost_center", "cost_center", "environment", "environment", "team"]);
        expect(normalizeKey(" org")).toBeUndefined();
    });
});

const FOCUS_HEADER = "BilledCost,EffectiveCost,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart,ServiceName,ResourceId,Tags";
const day = (d: number) => new Date(Date.UTC(2026, 9, 1) + d * 86_400_000).toISOString().slice(0, 10);
function focusCsv(name: string, lines: [cost: string, category: string, dayIndex: number, service: string, resource: string, tags: Record<string, string> | string | null, currency?: string][]): string {
    const file = path.join(dir, name);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    fs.writeFileSync(file, [FOCUS_HEADER, ...lines.map(([cost, cat, d, service, resource, tags, currency]) =>
        [cost, cost, currency ?? "USD", "2026-10-01 00:00:00", cat, `${day(d)} 00:00:00`, q(service), resource, tags === null ? "NULL" : q(typeof tags === "string" ? tags : JSON.stringify(tags))].join(","))].join("\n"));
    return file;
}

const tagsFor = (team: string, model: string, phase = "training", extra: Record<string, string> = {}) => ({
    team, model_id: model, lifecycle_phase: phase, cost_center: "cc-1", project: "p", environment: "production", created_by: "automation", managed_by: "pulumi", ...extra,
});

describe("a generated export with known answers", () => {
    // fraud: 2 models, 300 direct; search: 1 model, 100 direct; shared: 80; unallocated: 20; tax 10; credit -5.
    const file = focusCsv("known.csv", [
        ["200", "Usage", 0, "Amazon Elastic Compute Cloud", "i-1", tagsFor("fraud", "xgb")],
        ["100", "Usage", 1, "Amazon SageMaker", "ep-1", tagsFor("fraud", "gnn", "inference")],
        ["100", "Usage", 1, "Amazon Simple Storage Service", "b-1", tagsFor("search", "ranker", "feature_pipeline")],
        ["80", "Usage", 2, "Amazon Managed Streaming for Apache Kafka", "k-1", tagsFor("platform", "shared", "data_pipeline")],
        ["20", "Usage", 2, "Amazon Elastic Kubernetes Service", "eks-1", { Name: "orphan" }],
        ["10", "Tax", 2, "Tax", "", null],
        ["-5", "Credit", 2, "Credit", "", null],
        ["12", "Usage", 3, "Amazon Elastic Compute Cloud", "i-old", tagsFor("fraud", "xgb", "training", { environment: "experiment", experiment_id: "e1", expires_at: day(2) })],
        ["oops", "Usage", 3, "Amazon Elastic Compute Cloud", "i-2", tagsFor("fraud", "xgb")],
        ["3", "Usage", 3, "Amazon Elastic Compute Cloud", "i-3", "{not json"],
    ]);

    test("totals, separate lines, unallocated, skipped lines and bad tags, reconciled to the cent", async () => {
        const r = await attributionReport(base([file]));
        expect(r.total).toBe(520);
        expect(r.usageTotal).toBe(515);
        expect(r.separateLines).toEqual([{ key: "Credit", cost: -5 }, { key: "Tax", cost: 10 }]);
        expect(r.attributed).toBe(492);
        expect(r.unallocated).toBe(23);
        expect(r.reconciliation).toEqual({ total: "520.00", attributed: "492.00", unallocated: "23.00", separateLines: "5.00", balanced: true, skippedLines: 1, skippedReason: "1 line with a cost that is not a number, left out of every total", unparsableTags: { lines: 1, cost: 3 } });
        expect(r.byTeam).toEqual([{ key: "fraud", cost: 312 }, { key: "search", cost: 100 }, { key: "platform", cost: 80 }, { key: "unallocated", cost: 23 }]);
        expect(r.byService).toEqual([{ key: "EC2", cost: 215 }, { key: "S3", cost: 100 }, { key: "SageMaker", cost: 100 }, { key: "MSK", cost: 80 }, { key: "EKS", cost: 20 }]);
        expect(r.topUntagged.map((u) => [u.resourceId, u.cost])).toEqual([["eks-1", 20], ["i-3", 3]]);
        expect(r.coverageAll).toBeCloseTo(492 / 515, 12);
    });

    test.each([
        ["even", { fraud: 40, search: 40 }],
        ["proportional", { fraud: 80 * 312 / 412, search: 80 * 100 / 412 }],
        ["model-count", { fraud: 80 * 2 / 3, search: 80 / 3 }],
    ] as const)("shared cost split %s", async (allocation, expected) => {
        const r = await attributionReport(base([file], { allocation }));
        expect(r.sharedAllocation.shared).toBe(80);
        expect(r.sharedAllocation.teams.map((t) => [t.team, t.allocated])).toEqual(Object.entries(expected).map(([team, v]) => [team, expect.closeTo(v, 9)]));
        for (const t of r.sharedAllocation.teams) expect(t.after).toBeCloseTo(t.before + t.allocated, 9);
    });

    test("unallocated usage can be split too", async () => {
        const r = await attributionReport(base([file], { allocation: "even", allocateUnallocated: true }));
        expect(r.sharedAllocation.shared).toBe(103);
    });

    test("chargeback records: period, team, cost category, model, amount", async () => {
        const r = await attributionReport(base([file], { allocation: "even" }));
        expect(r.chargeback).toEqual([
            { billingPeriod: "2026-10", team: "fraud", costCategory: "inference", model: "gnn", amount: 100 },
            { billingPeriod: "2026-10", team: "fraud", costCategory: "training", model: "xgb", amount: 212 },
            { billingPeriod: "2026-10", team: "search", costCategory: "feature_pipeline", model: "ranker", amount: 100 },
            { billingPeriod: "all", team: "fraud", costCategory: "shared_allocation", model: "shared", amount: 40 },
            { billingPeriod: "all", team: "search", costCategory: "shared_allocation", model: "shared", amount: 40 },
        ]);
    });

    test("resources still billing after expires_at", async () => {
        const r = await attributionReport(base([file]));
        expect(r.expiredBilling).toEqual([{ resourceId: "i-old", model: "xgb", expiresAt: day(2), costAfterExpiry: 12, lastDay: day(3) }]);
    });

    test("anomalies against a rolling 14-day baseline", async () => {
        const lines: Parameters<typeof focusCsv>[1] = [];
        for (let d = 0; d < 20; d++) lines.push([String(100 + (d % 3)), "Usage", d, "Amazon SageMaker", "ep", tagsFor("fraud", "steady")]);
        lines.push(["104", "Usage", 20, "Amazon SageMaker", "ep", tagsFor("fraud", "steady")]);
        lines.push(["130", "Usage", 21, "Amazon SageMaker", "ep", tagsFor("fraud", "steady")]);
        for (let d = 0; d < 22; d++) lines.push(["50", "Usage", d, "Amazon Elastic Compute Cloud", "i", tagsFor("fraud", "flat")]);
        const r = await attributionReport(base([focusCsv("anomaly.csv", lines)]));
        expect(r.anomalies.map((a) => [a.level, a.model, a.day])).toEqual([["CRITICAL", "steady", day(21)], ["WARNING", "steady", day(20)]]);
        expect(r.anomalies[0].baseline).toBeCloseTo((100 * 14 + (0 + 1 + 2 + 0 + 1 + 2 + 0 + 1 + 2 + 0 + 1 + 2 + 0 + 1) + 4 - 1) / 14, 0);
    });

    test("bad inputs: missing columns, mixed currencies", async () => {
        const noCols = path.join(dir, "nocols.csv");
        fs.writeFileSync(noCols, "BilledCost,Tags\n1,{}\n");
        await expect(attributionReport(base([noCols]))).rejects.toThrow(/nocols\.csv: not a FOCUS export: missing columns EffectiveCost, BillingCurrency, BillingPeriodStart, ChargeCategory, ChargePeriodStart, ServiceName/);
        const mixed = focusCsv("mixed.csv", [["1", "Usage", 0, "S3", "b", null], ["1", "Usage", 0, "S3", "b", null, "EUR"]]);
        await expect(attributionReport(base([mixed]))).rejects.toThrow(/the exports mix currencies \(EUR, USD\)/);
    });

    test("the CLI: json, chargeback csv, --fail-under, html, bad input exit 2", () => {
        const run = (args: string[]) => spawnSync(process.execPath, [BIN, "report", ...args], { encoding: "utf8", cwd: ROOT });
        const json = JSON.parse(run([file, "--format", "json"]).stdout);
        expect(Object.keys(json)).toEqual(expect.arrayContaining(["costMeasure", "currency", "total", "coverage", "byTeam", "byModel", "byPhase", "byService", "reconciliation"]));
        expect(json.byModel.find((b: { key: string }) => b.key === "unallocated")).toEqual({ key: "unallocated", cost: 23 });
        expect(run([file, "--format", "csv"]).stdout.split("\n")[0]).toBe("billing_period,team,cost_category,model_id,amount_usd");
        // Coverage is 492 / 515 = 95.53% of usage cost.
        expect(run([file, "--fail-under", "95.5"]).status).toBe(0);
        expect(run([file, "--fail-under", "95.6"]).status).toBe(1);
        const out = path.join(dir, "report.html");
        expect(run([file, "--format", "html", "--out", out]).status).toBe(0);
        const html = fs.readFileSync(out, "utf8");
        expect(html).toMatch(/^<!doctype html>/);
        expect(html).toContain("<svg");
        expect(html).not.toMatch(/(src|href)=["']?https?:/); // nothing fetched at view time
        expect(html).not.toMatch(/<script/);
        const bad = run([path.join(dir, "nocols.csv")]);
        expect(bad.status).toBe(2);
        expect(bad.stderr).toMatch(/^tagguard: .*nocols\.csv: not a FOCUS export/);
    });
});

describe("AWS CUR 2.0: the amortization rule per line item type", () => {
    const header = "bill_billing_period_start_date,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_resource_id,line_item_currency_code,line_item_unblended_cost,savings_plan_savings_plan_effective_cost,savings_plan_total_commitment_to_date,savings_plan_used_commitment,reservation_effective_cost,reservation_unused_amortized_upfront_fee_for_billing_period,reservation_unused_recurring_fee,reservation_reservation_a_r_n,resource_tags";
    const tags = JSON.stringify({ user_team: "fraud", user_model_id: "xgb", user_lifecycle_phase: "training", user_cost_center: "cc", user_project: "p", user_environment: "production", user_created_by: "a", user_managed_by: "pulumi" }).replace(/"/g, '""');
    const row = (type: string, unblended: string, sp = "", commit = "", used = "", ri = "", upfront = "", recurring = "", arn = "") =>
        `2026-10-01,2026-10-02,${type},AmazonEC2,i-1,USD,${unblended},${sp},${commit},${used},${ri},${upfront},${recurring},${arn},"${tags}"`;
    const file = path.join(dir, "cur.csv");
    fs.writeFileSync(file, [header,
        row("Usage", "10"),
        row("SavingsPlanCoveredUsage", "8", "5"),
        row("SavingsPlanRecurringFee", "20", "", "20", "15"),
        row("SavingsPlanNegation", "-8"),
        row("SavingsPlanUpfrontFee", "100"),
        row("DiscountedUsage", "6", "", "", "", "4"),
        row("RIFee", "30", "", "", "", "", "2", "3"),
        row("Fee", "50", "", "", "", "", "", "", "arn:aws:ec2:reserved"),
        row("Fee", "7"),
        row("Tax", "9"),
    ].join("\n"));

    test("effective cost", async () => {
        const r = await attributionReport(base([file], { schema: "cur2" }));
        // Usage 10 + SP covered 5 + SP recurring (20 - 15) 5 + negation 0 + upfront 0 + RI 4 + RIFee (2 + 3) 5 + RI fee 0 + fee 7 + tax 9
        expect(r.total).toBe(10 + 5 + 5 + 0 + 0 + 4 + 5 + 0 + 7 + 9);
        expect(r.usageTotal).toBe(10 + 5 + 0 + 4);
        expect(r.separateLines).toEqual([{ key: "Purchase", cost: 5 + 0 + 5 + 0 + 7 }, { key: "Tax", cost: 9 }]);
        expect(r.byModel).toEqual([{ key: "xgb", cost: 19 }]); // user_ prefixes stripped
        expect(r.reconciliation.balanced).toBe(true);
    });

    test("billed cost is the unblended cost", async () => {
        const r = await attributionReport(base([file], { schema: "cur2", measure: "billed" }));
        expect(r.total).toBe(10 + 8 + 20 - 8 + 100 + 6 + 30 + 50 + 7 + 9);
    });
});
