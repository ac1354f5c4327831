/**
 * `npm run generate:billing-example`: the example billing exports of the README and docs/report.md.
 * Deterministic (a seeded generator, fixed dates): the same files every run.
 *
 * 1. A FOCUS 1.2 billing export of the tagged fraud-detection platform.
 *
 * Two billing periods (September and October 2026), four teams: fraud (two models), recsys (a
 * two-tower model trained on GPU instances, with a spike on 21 October), search (a ranker the models
 * file does not list), platform (shared EKS, MSK and networking, `model_id = shared`). Also: untagged
 * cost, values outside the vocabulary (`env: prod`), a credit and tax, as real exports have them.
 *
 * 2. A CUR 2.0 export with split cost allocation data of the platform's shared GPU cluster (`ml`, the
 * ml-platform example's GpuNodePool `shared-gpu`) over two days, hour by hour, as AWS writes it: the
 * nodes' own lines (one under a Savings Plan, one on demand, one spot node for the nightly retrain) and
 * their pods' rows, split by AWS's weights (accelerator 9, vCPU 0.9, GB 0.1) with the unallocated capacity
 * spread over the pods by their split usage. Pods: fraud's and search's labelled serving Deployments,
 * recsys's labelled retrain Jobs, an embedding Deployment nobody labelled, kube-system's DaemonSet on every node;
 * and search's feature pipeline on Fargate, billed on its own lines.
 *
 * Writes examples/billing/focus-ml-platform.csv and examples/billing/cur2-eks-shared-gpu.csv;
 * examples/billing/models.yaml is written by hand.
 */
import * as fs from "fs";
import * as path from "path";

const OUT = path.join(__dirname, "..", "examples", "billing", "focus-ml-platform.csv");
const OUT_CUR = path.join(__dirname, "..", "examples", "billing", "cur2-eks-shared-gpu.csv");

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

function focusExport(): void {
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

const CUR_COLUMNS = [
    "bill_billing_period_start_date", "bill_billing_period_end_date", "line_item_usage_account_id", "line_item_line_item_type", "line_item_usage_start_date", "line_item_usage_end_date",
    "line_item_product_code", "line_item_usage_type", "line_item_operation", "line_item_resource_id", "line_item_usage_amount", "line_item_currency_code", "line_item_unblended_cost",
    "pricing_unit", "product_instance_type", "savings_plan_savings_plan_effective_cost", "resource_tags",
    "split_line_item_parent_resource_id", "split_line_item_reserved_usage", "split_line_item_actual_usage", "split_line_item_split_usage", "split_line_item_split_usage_ratio",
    "split_line_item_split_cost", "split_line_item_unused_cost", "split_line_item_public_on_demand_split_cost", "split_line_item_public_on_demand_unused_cost",
] as const;
type CurRow = Partial<Record<(typeof CUR_COLUMNS)[number], string>>;

/** A g5.12xlarge: 4 GPUs, 48 vCPUs, 192 GiB; AWS's split weights for accelerated instances. */
const NODE_CAPACITY = { gpu: 4, vcpu: 48, gb: 192 };
const WEIGHTS = { gpu: 9, vcpu: 0.9, gb: 0.1 };
const ON_DEMAND = 5.672;
type Resource = keyof typeof NODE_CAPACITY;
const USAGE_TYPE: Record<Resource, string> = { gpu: "USE1-EKS-EC2-Accelerator-Hours", vcpu: "USE1-EKS-EC2-vCPU-Hours", gb: "USE1-EKS-EC2-GB-Hours" };

interface SharedNode {
    id: string;
    /** Hours of the day it runs. */
    hours: (hour: number) => boolean;
    purchase: "savings-plan" | "on-demand" | "spot";
    /** Amortized cost of an hour. */
    amortized: number;
}

interface Pod {
    namespace: string;
    name: (day: number) => string;
    node: string;
    hours: (hour: number) => boolean;
    request: Record<Resource, number>;
    /** The workload as AWS names it: type and name, and the Deployment for a Deployment's pods. */
    workload: { type: string; name: (day: number) => string; deployment?: string };
    labels: Record<string, string>;
}

const ACCOUNT = "123456789012";
const platformTags = { team: "platform", cost_center: "cc-2001", project: "ml-platform", model_id: "shared", environment: "production", lifecycle_phase: "training", created_by: "automation", managed_by: "pulumi" };
const NODE_TAGS = { ...platformTags, "karpenter.sh/nodepool": "shared-gpu", "eks:eks-cluster-name": "ml", "kubernetes.io/cluster/ml": "owned" };
const NODES: SharedNode[] = [
    { id: "i-0gpushared0a1b2c3", hours: () => true, purchase: "savings-plan", amortized: 3.9704 },
    { id: "i-0gpushared0d4e5f6", hours: () => true, purchase: "on-demand", amortized: ON_DEMAND },
    { id: "i-0gpuspot07a8b9c0d", hours: (h) => h >= 2 && h < 6, purchase: "spot", amortized: 2.2688 },
];
const fraudLabels = { ...tags("fraud", "fraud-xgb-v3", "inference"), app: "fraud-scoring" };
const searchLabels = { ...tags("search", "search-ranker-v4", "inference", { cost_center: "cc-2001", project: "search" }), app: "search-ranker" };
const recsLabels = { ...tags("recsys", "recs-two-tower-v2", "training", { cost_center: "cc-1077", project: "recommendations" }), app: "recs-retrain" };
const PODS: Pod[] = [
    ...["7d9f8c6b5-x2k4p", "7d9f8c6b5-q8m3z"].map((suffix, i): Pod => ({
        namespace: "ml", name: () => `fraud-scoring-gpu-${suffix}`, node: NODES[i].id, hours: () => true, request: { gpu: 2, vcpu: 16, gb: 64 },
        workload: { type: "ReplicaSet", name: () => "fraud-scoring-gpu-7d9f8c6b5", deployment: "fraud-scoring-gpu" }, labels: fraudLabels,
    })),
    {
        namespace: "ml", name: () => "search-ranker-6b8d7f5c9-w3j7h", node: NODES[0].id, hours: () => true, request: { gpu: 1, vcpu: 8, gb: 32 },
        workload: { type: "ReplicaSet", name: () => "search-ranker-6b8d7f5c9", deployment: "search-ranker" }, labels: searchLabels,
    },
    {
        namespace: "ml", name: (day) => `recs-retrain-2933${day}20-7tq9w`, node: NODES[2].id, hours: (h) => h >= 2 && h < 6, request: { gpu: 4, vcpu: 40, gb: 160 },
        workload: { type: "Job", name: (day) => `recs-retrain-2933${day}20` }, labels: recsLabels,
    },
    {
        namespace: "ml", name: () => "embedding-batch-5c7d9b8f4-lv6rn", node: NODES[1].id, hours: (h) => h >= 9 && h < 18, request: { gpu: 2, vcpu: 16, gb: 64 },
        workload: { type: "ReplicaSet", name: () => "embedding-batch-5c7d9b8f4", deployment: "embedding-batch" }, labels: { app: "embedding-batch" },
    },
    ...NODES.map((node, i): Pod => ({
        namespace: "kube-system", name: () => `aws-node-${["k7x2q", "m4p9d", "z8r5t"][i]}`, node: node.id, hours: node.hours, request: { gpu: 0, vcpu: 0.05, gb: 0.125 },
        workload: { type: "DaemonSet", name: () => "aws-node" }, labels: { "app.kubernetes.io/name": "aws-node", "k8s-app": "aws-node" },
    })),
];

/** CUR 2.0's resource_tags: user-defined tags as `user_<key, non-alphanumerics as _>`, AWS's own as `aws_<...>`. */
const resourceTags = (user: Record<string, string>, aws: Record<string, string> = {}): string =>
    JSON.stringify(Object.fromEntries([
        ...Object.entries(user).map(([k, value]) => [`user_${k.replace(/[^A-Za-z0-9]/g, "_")}`, value]),
        ...Object.entries(aws).map(([k, value]) => [k.replace(/[^A-Za-z0-9]/g, "_"), value]),
    ].sort(([a], [b]) => a.localeCompare(b))));

function curExport(): void {
    const next = random(20261203);
    const rows: CurRow[] = [];
    const amount = (n: number): string => n.toFixed(8);
    const period = { bill_billing_period_start_date: "2026-10-01T00:00:00Z", bill_billing_period_end_date: "2026-11-01T00:00:00Z", line_item_usage_account_id: ACCOUNT, line_item_currency_code: "USD" };
    for (const day of [1, 2]) {
        for (let hour = 0; hour < 24; hour++) {
            const at = (h: number): string => `2026-10-${String(day + Math.floor(h / 24)).padStart(2, "0")}T${String(h % 24).padStart(2, "0")}:00:00Z`;
            const hourly = { ...period, line_item_usage_start_date: at(hour), line_item_usage_end_date: at(hour + 1) };
            // The cluster's control plane: not split, the platform's own.
            rows.push({ ...hourly, line_item_line_item_type: "Usage", line_item_product_code: "AmazonEKS", line_item_usage_type: "USE1-AmazonEKS-Hours:perCluster", line_item_operation: "CreateOperation",
                line_item_resource_id: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/ml`, line_item_usage_amount: "1", line_item_unblended_cost: amount(0.1), pricing_unit: "Hours", resource_tags: resourceTags(platformTags) });
            // Search's feature pipeline on Fargate: billed on its own lines, with its labels.
            const fargatePod = "search-features-84c6d9f7b-p5n2s";
            for (const [usageType, quantity, price] of [["USE1-Fargate-vCPU-Hours:perCPU", 2, 0.04048], ["USE1-Fargate-GB-Hours", 8, 0.004445]] as const) {
                rows.push({ ...hourly, line_item_line_item_type: "Usage", line_item_product_code: "AmazonEKS", line_item_usage_type: usageType, line_item_operation: "FargatePod",
                    line_item_resource_id: `arn:aws:eks:us-east-1:${ACCOUNT}:pod/ml/ml/${fargatePod}/0f3c9a2e-51b7-4d08-8e6a-2b7d4c9e1f30`, line_item_usage_amount: quantity.toFixed(6), line_item_unblended_cost: amount(quantity * price),
                    pricing_unit: usageType.includes("vCPU") ? "vCPU-Hours" : "GB-Hours",
                    resource_tags: resourceTags({ ...tags("search", "search-ranker-v4", "feature_pipeline", { cost_center: "cc-2001", project: "search" }), app: "search-features" },
                        { aws_eks_cluster_name: "ml", aws_eks_namespace: "ml", aws_eks_workload_type: "ReplicaSet", aws_eks_workload_name: "search-features-84c6d9f7b", aws_eks_deployment: "search-features" }) });
            }
            for (const node of NODES.filter((n) => n.hours(hour))) {
                const instance = { ...hourly, line_item_product_code: "AmazonEC2", line_item_resource_id: node.id, line_item_usage_amount: "1", pricing_unit: "Hrs", product_instance_type: "g5.12xlarge", resource_tags: resourceTags(NODE_TAGS) };
                if (node.purchase === "savings-plan") {
                    rows.push({ ...instance, line_item_line_item_type: "SavingsPlanCoveredUsage", line_item_usage_type: "USE1-BoxUsage:g5.12xlarge", line_item_operation: "RunInstances", line_item_unblended_cost: amount(ON_DEMAND), savings_plan_savings_plan_effective_cost: amount(node.amortized) });
                    rows.push({ ...instance, line_item_line_item_type: "SavingsPlanNegation", line_item_usage_type: "USE1-BoxUsage:g5.12xlarge", line_item_operation: "RunInstances", line_item_unblended_cost: amount(-ON_DEMAND) });
                } else {
                    const spot = node.purchase === "spot";
                    rows.push({ ...instance, line_item_line_item_type: "Usage", line_item_usage_type: spot ? "USE1-SpotUsage:g5.12xlarge" : "USE1-BoxUsage:g5.12xlarge", line_item_operation: spot ? "RunInstances:SV001" : "RunInstances", line_item_unblended_cost: amount(node.amortized) });
                }
                // AWS's split: a unit price from the weights, each pod's allocated usage (max of requested and used) at it, the unallocated capacity spread over the pods by their usage.
                const pods = PODS.filter((p) => p.node === node.id && p.hours(hour));
                const unit = node.amortized / (Object.keys(NODE_CAPACITY) as Resource[]).reduce((a, r) => a + WEIGHTS[r] * NODE_CAPACITY[r], 0);
                const publicUnit = ON_DEMAND / (Object.keys(NODE_CAPACITY) as Resource[]).reduce((a, r) => a + WEIGHTS[r] * NODE_CAPACITY[r], 0);
                for (const pod of pods) {
                    const uid = `${pod.name(day)}`.split("").reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(8, "0");
                    for (const r of ["gpu", "vcpu", "gb"] as Resource[]) {
                        if (r === "gpu" && pod.request.gpu === 0) continue;
                        const actual = pod.request[r] * (0.55 + 0.4 * next());
                        const used = Math.max(pod.request[r], actual);
                        const total = pods.reduce((a, p) => a + p.request[r], 0);
                        const unallocated = Math.max(0, NODE_CAPACITY[r] - total);
                        const share = total > 0 ? used / total : 0;
                        rows.push({
                            ...hourly, line_item_line_item_type: "Usage", line_item_product_code: "AmazonEKS", line_item_usage_type: USAGE_TYPE[r], line_item_operation: "EKSPod-EC2",
                            line_item_resource_id: `arn:aws:eks:us-east-1:${ACCOUNT}:pod/ml/${pod.namespace}/${pod.name(day)}/${uid}-6d1e-4c1f-9a4b-${uid}${uid.slice(0, 4)}`,
                            line_item_usage_amount: used.toFixed(6), line_item_unblended_cost: amount(0), pricing_unit: r === "gb" ? "GB-Hours" : r === "gpu" ? "Accelerator-Hours" : "vCPU-Hours",
                            resource_tags: resourceTags(pod.labels, {
                                aws_eks_cluster_name: "ml", aws_eks_namespace: pod.namespace, aws_eks_node: node.id, aws_eks_workload_type: pod.workload.type, aws_eks_workload_name: pod.workload.name(day),
                                ...(pod.workload.deployment ? { aws_eks_deployment: pod.workload.deployment } : {}),
                            }),
                            split_line_item_parent_resource_id: node.id, split_line_item_reserved_usage: pod.request[r].toFixed(6), split_line_item_actual_usage: actual.toFixed(6), split_line_item_split_usage: used.toFixed(6),
                            split_line_item_split_usage_ratio: (used / NODE_CAPACITY[r]).toFixed(8),
                            split_line_item_split_cost: amount(used * WEIGHTS[r] * unit), split_line_item_unused_cost: amount(unallocated * WEIGHTS[r] * unit * share),
                            split_line_item_public_on_demand_split_cost: amount(used * WEIGHTS[r] * publicUnit), split_line_item_public_on_demand_unused_cost: amount(unallocated * WEIGHTS[r] * publicUnit * share),
                        });
                    }
                }
            }
        }
    }
    const csvCell = (value: string | undefined): string => (value === undefined ? "" : /[",\n]/.test(value) ? q(value) : value);
    fs.writeFileSync(OUT_CUR, `${[CUR_COLUMNS.join(","), ...rows.map((row) => CUR_COLUMNS.map((c) => csvCell(row[c])).join(","))].join("\n")}\n`);
}

focusExport();
curExport();
