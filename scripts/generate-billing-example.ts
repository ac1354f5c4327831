/**
 * `npm run generate:billing-example`: a FOCUS 1.2 billing export of the tagged fraud-detection platform,
 * for the README's report. Deterministic (a seeded generator, fixed dates): the same file every run.
 *
 * Two billing periods (September and October 2026), four teams: fraud (two models), recsys (a
 * two-tower model trained on GPU instances, with a spike on 21 October), search (a ranker the models
 * file does not list), platform (shared EKS, MSK and networking, `model_id = shared`). Also: untagged
 * cost, values outside the vocabulary (`env: prod`), a credit and tax, as real exports have them.
 *
 * Writes examples/billing/focus-ml-platform.csv; examples/billing/models.yaml is written by hand.
 */
import * as fs from "fs";
import * as path from "path";

const OUT = path.join(__dirname, "..", "examples", "billing", "focus-ml-platform.csv");

/** mulberry32: a small, well-known seeded generator. */
function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const COLUMNS = ["BilledCost", "EffectiveCost", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ChargeDescription", "ServiceName", "ResourceId", "ConsumedQuantity", "ConsumedUnit", "x_UsageType", "Tags"] as const;

interface Usage {
    service: string;
    resource: string;
    usageType: string;
    unit: string;
    /** Quantity a day, and price per unit. */
    perDay: number;
    price: number;
    tags: Record<string, string> | null;
}

const base = { cost_center: "cc-1042", project: "fraud-detection", environment: "production", created_by: "automation", managed_by: "pulumi" };
const tags = (team: string, model_id: string, lifecycle_phase: string, extra: Record<string, string> = {}) => ({ team, model_id, lifecycle_phase, ...base, ...extra });

const USAGE: Usage[] = [
    // fraud: XGBoost trained nightly on g5 instances, served on SageMaker; a GNN served on SageMaker.
    { service: "Amazon Elastic Compute Cloud", resource: "i-0fraudtrain01", usageType: "USE1-BoxUsage:g5.12xlarge", unit: "Hrs", perDay: 6, price: 5.672, tags: tags("fraud", "fraud-xgb-v3", "training") },
    { service: "Amazon SageMaker", resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-scoring", usageType: "USE1-Host:ml.g5.xlarge", unit: "Hrs", perDay: 48, price: 1.408, tags: tags("fraud", "fraud-xgb-v3", "inference") },
    { service: "Amazon SageMaker", resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-gnn", usageType: "USE1-Host:ml.g5.2xlarge", unit: "Hrs", perDay: 24, price: 1.515, tags: tags("fraud", "fraud-gnn-v1", "inference") },
    { service: "Amazon Simple Storage Service", resource: "fraud-models", usageType: "USE1-TimedStorage-ByteHrs", unit: "GB-Mo", perDay: 1800 / 30, price: 0.023, tags: tags("fraud", "fraud-xgb-v3", "training") },
    // recsys: a two-tower model trained on p4d (8 GPUs each), inference on g5.
    { service: "Amazon Elastic Compute Cloud", resource: "i-0recstrain01", usageType: "USE1-BoxUsage:p4d.24xlarge", unit: "Hrs", perDay: 4, price: 32.7726, tags: tags("recsys", "recs-two-tower-v2", "training", { cost_center: "cc-1077", project: "recommendations" }) },
    { service: "Amazon Elastic Compute Cloud", resource: "i-0recsserve01", usageType: "USE1-BoxUsage:g5.2xlarge", unit: "Hrs", perDay: 48, price: 1.212, tags: tags("recsys", "recs-two-tower-v2", "inference", { cost_center: "cc-1077", project: "recommendations" }) },
    // search: a ranker with a feature pipeline; not in the models file.
    { service: "Amazon Elastic Compute Cloud", resource: "i-0searchfp01", usageType: "USE1-BoxUsage:m6i.4xlarge", unit: "Hrs", perDay: 24, price: 0.768, tags: tags("search", "search-ranker-v4", "feature_pipeline", { cost_center: "cc-2001", project: "search" }) },
    { service: "Amazon SageMaker", resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/search-ranker", usageType: "USE1-Host:ml.c6i.2xlarge", unit: "Hrs", perDay: 48, price: 0.408, tags: tags("search", "search-ranker-v4", "inference", { cost_center: "cc-2001", project: "search" }) },
    // platform: shared cluster, streaming and network.
    { service: "Amazon Elastic Kubernetes Service", resource: "arn:aws:eks:us-east-1:123456789012:cluster/ml", usageType: "USE1-AmazonEKS-Hours:perCluster", unit: "Hrs", perDay: 24, price: 0.1, tags: tags("platform", "shared", "data_pipeline", { cost_center: "cc-2001", project: "ml-platform" }) },
    { service: "Amazon Managed Streaming for Apache Kafka", resource: "arn:aws:kafka:us-east-1:123456789012:cluster/events", usageType: "USE1-Kafka.m5.large", unit: "Hrs", perDay: 72, price: 0.21, tags: tags("platform", "shared", "data_pipeline", { cost_center: "cc-2001", project: "ml-platform" }) },
    { service: "Amazon Elastic Compute Cloud", resource: "nat-0shared01", usageType: "USE1-NatGateway-Hours", unit: "Hrs", perDay: 48, price: 0.045, tags: tags("platform", "shared", "data_pipeline", { cost_center: "cc-2001", project: "ml-platform" }) },
    // Left untagged, and tagged with a value outside the vocabulary.
    { service: "Amazon Elastic Compute Cloud", resource: "i-0forgotten01", usageType: "USE1-BoxUsage:p3.2xlarge", unit: "Hrs", perDay: 8, price: 3.06, tags: { Name: "someones-experiment" } },
    { service: "Amazon Simple Storage Service", resource: "scratch-data", usageType: "USE1-TimedStorage-ByteHrs", unit: "GB-Mo", perDay: 600 / 30, price: 0.023, tags: { ...tags("search", "search-ranker-v4", "feature_pipeline", { cost_center: "cc-2001", project: "search" }), environment: "prod" } },
];

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const money = (n: number): string => n.toFixed(10);

function main(): void {
    const next = random(20261129);
    const lines: string[] = [COLUMNS.join(",")];
    const periods: [string, number][] = [["2026-09", 30], ["2026-10", 31]];
    for (const [period, days] of periods) {
        const [y, m] = period.split("-").map(Number);
        const start = `${period}-01 00:00:00`;
        const end = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}-01 00:00:00`;
        for (let d = 1; d <= days; d++) {
            const day = `${period}-${String(d).padStart(2, "0")}`;
            for (const u of USAGE) {
                // October grows: recsys retrains more often; a spike on the 21st.
                let quantity = u.perDay * (0.9 + 0.2 * next());
                if (period === "2026-10" && u.tags?.model_id === "recs-two-tower-v2" && u.tags.lifecycle_phase === "training") quantity *= d === 21 ? 10 : 1.4;
                const cost = quantity * u.price;
                lines.push([money(cost), money(cost), "USD", start, end, "Usage", `${day} 00:00:00`, `${day} 23:59:59`,
                    q(`${u.unit} of ${u.usageType.split(":").pop()}`), q(u.service), q(u.resource), quantity.toFixed(6), u.unit, q(u.usageType),
                    u.tags ? q(JSON.stringify(u.tags)) : "NULL"].join(","));
            }
        }
        lines.push([money(-250), money(-250), "USD", start, end, "Credit", `${period}-01 00:00:00`, `${period}-01 23:59:59`, q("AWS Activate credit"), q("AWS Support"), "NULL", "NULL", "NULL", "NULL", "NULL"].join(","));
        lines.push([money(120), money(120), "USD", start, end, "Tax", `${period}-01 00:00:00`, `${period}-01 23:59:59`, q("Sales tax"), q("Tax"), "NULL", "NULL", "NULL", "NULL", "NULL"].join(","));
    }
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${lines.join("\n")}\n`);
}

main();
