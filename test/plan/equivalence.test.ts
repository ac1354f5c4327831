/**
 * One rule set, three ways to run it, one verdict:
 * - the plan's resources analyzed in-process (`tagguard plan`) and by the pack over the Analyzer gRPC
 *   protocol, as `pulumi preview --policy-pack` runs it, give the same diagnostics;
 * - the same resources written as a Pulumi program (`check`) and as a Terraform plan (`plan`) get the
 *   same verdicts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { CheckReport } from "../../cli/check/report";
import { runPoliciesInProcess } from "../../cli/engine/in-process-pack";
import { parsePolicyPackConfig } from "../../cli/engine/policy-config";
import { runPolicyPack, type PackRun } from "../../cli/engine/session";
import type { PlanReport } from "../../cli/plan/plan";
import { readPlanFile } from "../../cli/plan/plan-file";
import { planViews } from "../../cli/plan/views";
import { plan, tempDir, writePlan } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const PACK_DIR = path.join(ROOT, "policies");
const EXAMPLE_CONFIG = path.join(ROOT, "examples", "policy-config.json");
const identity = { organization: "acme", project: "ml-platform", stack: "dev", dryRun: true, config: {} };

const normalized = (run: PackRun): string[] => [
    ...run.resources.flatMap((v) => v.result.diagnostics.map((d) => `${v.resource.urn} ${d.policyName} ${d.enforcementLevel} ${d.message}`)),
    ...run.stack.diagnostics.map((d) => `(stack) ${d.urn} ${d.policyName} ${d.enforcementLevel} ${d.message}`),
].sort();

describe("in-process analysis is the pack's analysis", () => {
    test.each(["untagged", "tagged"])("the %s example plan, with the example config: the same diagnostics over gRPC", async (variant) => {
        const { planned } = planViews(readPlanFile(path.join(ROOT, "examples", "terraform", variant, "plan.json")));
        const resources = planned.map((p) => p.resource);
        const policyConfig = parsePolicyPackConfig(fs.readFileSync(EXAMPLE_CONFIG, "utf8"), EXAMPLE_CONFIG);
        const [local, served] = await Promise.all([
            runPoliciesInProcess({ resources, policyConfig }),
            runPolicyPack({ packDir: PACK_DIR, identity, resources, policyConfig }),
        ]);
        expect(normalized(local).length).toBeGreaterThan(variant === "untagged" ? 10 : 0);
        expect(normalized(local)).toEqual(normalized(served));
        expect(local.config).toEqual(served.config);
    }, 60_000);
});

describe("a Pulumi program and its Terraform twin get the same verdicts", () => {
    const dir = tempDir();
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const model = { model_id: "fraud-xgb-v3", lifecycle_phase: "training" };
    const defaults = { team: "fraud", cost_center: "cc-1042", project: "fraud-detection", environment: "production", created_by: "terraform-ci", managed_by: "pulumi" };
    const launched = { ...defaults, ...model };
    const merged = (tags: Record<string, string>) => ({ tags, tags_all: { ...defaults, ...tags } });

    test("test/fixtures/programs/plan-twin through check, its plan through plan", () => {
        const twin = plan({
            providers: { aws: { defaultTags: defaults } },
            changes: [
                { address: "aws_s3_bucket.tagged", after: { bucket: "tagged", ...merged(model) } },
                { address: "aws_s3_bucket.untagged", after: { bucket: "untagged", ...merged({ Name: "untagged" }) } },
                { address: "aws_s3_bucket.bad_phase", after: { bucket: "bad", ...merged({ ...model, lifecycle_phase: "data_prep" }) } },
                { address: "aws_launch_template.workers", after: { instance_type: "g5.4xlarge", tag_specifications: [{ resource_type: "instance", tags: launched }], ...merged(model) }, unknown: { id: true, arn: true } },
                { address: "aws_autoscaling_group.workers", after: { min_size: 0, max_size: 4, availability_zones: ["us-east-1a"], launch_template: [{ version: "$Latest" }], tag: Object.entries(launched).map(([key, value]) => ({ key, value, propagate_at_launch: true })) }, unknown: { launch_template: [{ id: true, name: true }] } },
                { address: "aws_eks_node_group.gpu", after: { cluster_name: "ml", launch_template: [], ...merged(model) } },
                { address: "aws_instance.trainer", after: { ami: "ami-0abcdef1234567890", instance_type: "p3.2xlarge", root_block_device: [{ volume_size: 500, tags: { Name: "root" } }], volume_tags: null, ...merged(model) }, unknown: { ebs_block_device: true, root_block_device: [{ volume_id: true }] } },
                { address: "aws_sagemaker_domain.studio", after: { domain_name: "studio", auth_mode: "IAM", tag_propagation: "DISABLED", ...merged(model) } },
            ],
            configured: {
                "aws_autoscaling_group.workers": { expressions: { launch_template: [{ id: { references: ["aws_launch_template.workers.id", "aws_launch_template.workers"] } }] } },
                "aws_instance.trainer": { expressions: { ami: {}, root_block_device: [{}] } },
            },
        });
        const planFile = writePlan(dir, "twin-plan.json", twin);
        const env = { ...process.env, TAGGUARD_TODAY: "2026-11-28" };
        const checked = spawnSync(process.execPath, [BIN, "check", path.join(ROOT, "test", "fixtures", "programs", "plan-twin"), "--format", "json"], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
        const planned = spawnSync(process.execPath, [BIN, "plan", planFile, "--format", "json"], { cwd: ROOT, encoding: "utf8", env });
        expect(checked.stderr).toBe("");
        expect(planned.stderr).toBe("");
        const fromCheck = (JSON.parse(checked.stdout) as CheckReport).violations.filter((v) => v.type !== "pulumi:pulumi:Stack").map((v) => `${v.type} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        const planReport = JSON.parse(planned.stdout) as PlanReport;
        const tokens = new Map(planReport.resources.map((r) => [r.address, r]));
        const fromPlan = planReport.violations.filter((v) => v.address !== null).map((v) => `${tokens.get(v.address!)!.pulumiType} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        expect(fromPlan).toEqual(fromCheck);
        expect(fromCheck).toEqual(expect.arrayContaining([
            "aws:s3/bucket:Bucket untagged required-tags mandatory",
            "aws:s3/bucket:Bucket bad_phase tag-values mandatory",
            "aws:ec2/launchTemplate:LaunchTemplate workers cost-reaches-tagged-resource mandatory",
            "aws:eks/nodeGroup:NodeGroup gpu cost-reaches-tagged-resource mandatory",
            "aws:ec2/instance:Instance trainer cost-reaches-tagged-resource mandatory",
            "aws:sagemaker/domain:Domain studio cost-reaches-tagged-resource mandatory",
        ]));
        const summary = (JSON.parse(checked.stdout) as CheckReport).summary;
        expect({ inScope: planReport.summary.inScope, attributable: planReport.summary.attributable }).toEqual({ inScope: summary.inScope, attributable: summary.attributable });
    }, 150_000);

    // Terraform's Kubernetes provider writes every block as a list, and `kubernetes_manifest` holds the object as written.
    test("test/fixtures/programs/kubernetes-twin through check, its Terraform twin (hashicorp/kubernetes, helm) through plan", () => {
        const K8S = "registry.terraform.io/hashicorp/kubernetes";
        const attribution = { team: "recsys", cost_center: "cc-1077", project: "recommendations", model_id: "recs-two-tower-v2", environment: "production", lifecycle_phase: "training", created_by: "automation", managed_by: "pulumi" };
        const workload = (namespace: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
            metadata: [{ namespace, name: "w", labels: null }], spec: [{ replicas: 2, template: [{ metadata: [{ labels }], spec: [{ container: [{ name: "c", image: "i" }] }] }], ...extra }],
        });
        const twin = plan({
            providers: {},
            changes: [
                { address: "kubernetes_deployment_v1.scoring", provider: K8S, after: { ...workload("ml", { app: "scoring" }), metadata: [{ namespace: "ml", name: "scoring", labels: { app: "scoring", team: "recsys" } }] } },
                { address: "kubernetes_job_v1.train", provider: K8S, after: workload("ml", { app: "train", ...attribution }) },
                { address: "kubernetes_stateful_set_v1.feature_store", provider: K8S, after: workload("ml", { app: "feature-store", ...attribution, lifecycle_phase: "feature_pipeline", created_by: "jane.doe@example.com" }) },
                {
                    address: "kubernetes_cron_job_v1.nightly", provider: K8S,
                    after: { metadata: [{ namespace: "ml", name: "nightly" }], spec: [{ schedule: "0 2 * * *", job_template: [{ metadata: [], spec: [{ template: [{ metadata: [{ labels: attribution }], spec: [{}] }] }] }] }] },
                },
                { address: "kubernetes_deployment_v1.metrics", provider: K8S, after: workload("kube-system", { app: "metrics" }) },
                {
                    address: "kubernetes_manifest.gpu_class", provider: K8S,
                    after: { manifest: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "gpu" }, spec: { role: "KarpenterNodeRole-ml", amiSelectorTerms: [{ alias: "al2023@latest" }], tags: { team: "platform" } } } },
                    unknown: { object: true },
                },
                { address: "helm_release.gpu_operator", provider: "registry.terraform.io/hashicorp/helm", after: { name: "gpu-operator", chart: "gpu-operator", namespace: "gpu-operator", repository: "https://helm.ngc.nvidia.com/nvidia" } },
            ],
        });
        const planFile = writePlan(dir, "kubernetes-twin-plan.json", twin);
        const env = { ...process.env, TAGGUARD_TODAY: "2026-11-28" };
        const checked = spawnSync(process.execPath, [BIN, "check", path.join(ROOT, "test", "fixtures", "programs", "kubernetes-twin"), "--format", "json"], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
        const planned = spawnSync(process.execPath, [BIN, "plan", planFile, "--format", "json"], { cwd: ROOT, encoding: "utf8", env });
        expect([checked.stderr, planned.stderr]).toEqual(["", ""]);
        const fromCheck = (JSON.parse(checked.stdout) as CheckReport).violations.filter((v) => v.type !== "pulumi:pulumi:Stack").map((v) => `${v.type} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        const planReport = JSON.parse(planned.stdout) as PlanReport;
        const tokens = new Map(planReport.resources.map((r) => [r.address, r]));
        const fromPlan = planReport.violations.filter((v) => v.address !== null).map((v) => `${tokens.get(v.address!)!.pulumiType} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        expect(fromPlan).toEqual(fromCheck);
        expect(fromCheck).toEqual([
            "kubernetes:apps/v1:Deployment scoring pod-labels mandatory",
            "kubernetes:apps/v1:StatefulSet feature_store pod-labels mandatory",
            "kubernetes:helm.sh/v3:Release gpu_operator pod-labels advisory",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu_class cost-reaches-tagged-resource mandatory",
        ]);
        const summary = (JSON.parse(checked.stdout) as CheckReport).summary;
        expect({ inScope: planReport.summary.inScope, attributable: planReport.summary.attributable }).toEqual({ inScope: summary.inScope, attributable: summary.attributable });
        // Presence of the set counts, as for tags (the feature store's bad value is a finding of its own).
        expect(summary).toMatchObject({ inScope: 5, attributable: 3 });
    }, 150_000);

    // awscc has no default tags: the twin spells out on each resource what the program's stack config adds.
    test("test/fixtures/programs/cloud-control-twin (aws and aws-native) through check, its Terraform twin (aws and awscc) through plan", () => {
        const AWSCC = "registry.terraform.io/hashicorp/awscc";
        const list = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));
        const research = { cost_center: "cc-1042", project: "fraud-detection", environment: "production", created_by: "terraform-ci", managed_by: "pulumi" };
        const twin = plan({
            providers: { aws: { defaultTags: defaults } },
            changes: [
                { address: "aws_s3_bucket.classic", after: { bucket: "classic", ...merged(model) } },
                { address: "awscc_s3_bucket.tagged", provider: AWSCC, after: { tags: list(launched) }, unknown: { arn: true, bucket_name: true } },
                { address: "awscc_s3_bucket.untagged", provider: AWSCC, after: { tags: list({ Name: "untagged", ...defaults }) } },
                { address: "awscc_s3_bucket.bad_phase", provider: AWSCC, after: { tags: list({ ...launched, lifecycle_phase: "data_prep" }) } },
                {
                    address: "awscc_ec2_launch_template.workers", provider: AWSCC,
                    after: { launch_template_data: { image_id: "ami-0abcdef1234567890", instance_type: "g5.4xlarge", tag_specifications: [{ resource_type: "instance", tags: list(launched) }] }, tag_specifications: null },
                    unknown: { launch_template_id: true, latest_version_number: true },
                },
                {
                    address: "awscc_autoscaling_auto_scaling_group.workers", provider: AWSCC,
                    after: { min_size: "0", max_size: "4", availability_zones: ["us-east-1a"], launch_template: {}, tags: list(launched).map((t) => ({ ...t, propagate_at_launch: true })) },
                    unknown: { launch_template: { launch_template_id: true, version: true } },
                },
                { address: "awscc_eks_nodegroup.gpu", provider: AWSCC, after: { cluster_name: "ml", node_role: "arn:aws:iam::123456789012:role/nodes", subnets: ["subnet-1"], tags: launched, launch_template: null } },
                { address: "awscc_ec2_instance.trainer", provider: AWSCC, after: { image_id: "ami-0abcdef1234567890", instance_type: "p3.2xlarge", subnet_id: "subnet-1", tags: list(launched), propagate_tags_to_volume_on_creation: null } },
                {
                    address: "awscc_sagemaker_cluster.pretrain", provider: AWSCC,
                    after: {
                        instance_groups: [{ instance_group_name: "workers", instance_type: "ml.p5.48xlarge", instance_count: 2, execution_role: "arn:aws:iam::123456789012:role/hyperpod", life_cycle_config: { source_s3_uri: "s3://lifecycle/hyperpod/", on_create: "on_create.sh" }, instance_storage_configs: [{ ebs_volume_config: { volume_size_in_gb: 500 } }] }],
                        tags: list({ ...model, ...research }),
                    },
                    unknown: { cluster_arn: true },
                },
            ],
            configured: {
                "awscc_autoscaling_auto_scaling_group.workers": { expressions: { launch_template: { references: ["awscc_ec2_launch_template.workers.launch_template_id", "awscc_ec2_launch_template.workers"] } } },
            },
        });
        const planFile = writePlan(dir, "cloud-control-twin-plan.json", twin);
        const env = { ...process.env, TAGGUARD_TODAY: "2026-11-28" };
        const checked = spawnSync(process.execPath, [BIN, "check", path.join(ROOT, "test", "fixtures", "programs", "cloud-control-twin"), "--format", "json"], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
        const planned = spawnSync(process.execPath, [BIN, "plan", planFile, "--format", "json"], { cwd: ROOT, encoding: "utf8", env });
        expect([checked.stderr, planned.stderr]).toEqual(["", ""]);
        const checkReport = JSON.parse(checked.stdout) as CheckReport;
        const fromCheck = checkReport.violations.filter((v) => v.type !== "pulumi:pulumi:Stack").map((v) => `${v.type} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        const planReport = JSON.parse(planned.stdout) as PlanReport;
        const tokens = new Map(planReport.resources.map((r) => [r.address, r]));
        const fromPlan = planReport.violations.filter((v) => v.address !== null).map((v) => `${tokens.get(v.address!)!.pulumiType} ${v.name} ${v.policy} ${v.enforcementLevel}`).sort();
        expect(fromPlan).toEqual(fromCheck);
        expect(fromCheck).toEqual([
            "aws-native:ec2:Instance trainer cost-reaches-tagged-resource mandatory",
            "aws-native:ec2:LaunchTemplate workers cost-reaches-tagged-resource mandatory",
            "aws-native:eks:Nodegroup gpu cost-reaches-tagged-resource mandatory",
            "aws-native:s3:Bucket bad_phase tag-values mandatory",
            "aws-native:s3:Bucket untagged required-tags mandatory",
            "aws-native:sagemaker:Cluster pretrain cost-reaches-tagged-resource mandatory",
            "aws-native:sagemaker:Cluster pretrain required-tags mandatory",
        ]);
        expect({ inScope: planReport.summary.inScope, attributable: planReport.summary.attributable }).toEqual({ inScope: checkReport.summary.inScope, attributable: checkReport.summary.attributable });
        expect(checkReport.summary).toMatchObject({ inScope: 8, attributable: 6, unchecked: 0 });
        // The plan's messages speak Terraform: awscc has no default tags, attribute names in snake_case.
        const messages = planReport.violations.map((v) => v.message).join("\n");
        expect(messages).toMatch(/Set them on the resource's `tags` \(`tags = \[\{ key = "lifecycle_phase", value = "\.\.\." \}, \{ key = "model_id", value = "\.\.\." \}\]`\): the awscc provider has no default tags\./);
        expect(messages).toMatch(/`propagate_tags_to_volume_on_creation = true`/);
        expect(messages).toMatch(/Give the launch template `launch_template_data\.tag_specifications` for `instance` and `volume` that carry the full tag set \(its own `tag_specifications` tag only the template/);
        expect(messages).not.toMatch(/aws-native:defaultTags|pulumi config/);
    }, 150_000);
});
