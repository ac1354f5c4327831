import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../../cli/check/config";
import { chooseStack, readProject } from "../../cli/check/project";
import { runProgram } from "../../cli/check/run-program";
import { autoTagProps } from "../../components";
import { spawnSync } from "child_process";
import type { CheckReport } from "../../cli/check/report";

const TAGS = { team: "fraud", cost_center: "cc-1042", project: "fraud-detection", model_id: "m1", environment: "production", lifecycle_phase: "training", created_by: "automation", managed_by: "pulumi" };
const ROOT = path.join(__dirname, "..", "..");
const kv = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

describe("autoTagProps (the transform's logic)", () => {
    test.each([
        ["a map: added, the program's values kept", "aws:s3/bucket:Bucket", { tags: { team: "search", Name: "x" } }, { tags: { ...TAGS, team: "search", Name: "x" } }],
        ["a resource without tags", "aws:s3/bucket:Bucket", { bucket: "b" }, { bucket: "b", tags: TAGS }],
        ["an autoscaling list, propagated at launch", "aws:autoscaling/group:Group", { tags: [{ key: "Name", value: "fleet", propagateAtLaunch: false }] },
            { tags: [{ key: "Name", value: "fleet", propagateAtLaunch: false }, ...Object.entries(TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true }))] }],
        ["launch-template specifications for instance, volume and network interface", "aws:ec2/launchTemplate:LaunchTemplate", { tagSpecifications: [{ resourceType: "instance", tags: { Name: "i" } }] },
            { tags: TAGS, tagSpecifications: [{ resourceType: "instance", tags: { ...TAGS, Name: "i" } }, { resourceType: "volume", tags: TAGS }, { resourceType: "network-interface", tags: TAGS }] }],
        ["instance volumes through volumeTags", "aws:ec2/instance:Instance", { ami: "a" }, { ami: "a", tags: TAGS, volumeTags: TAGS }],
        ["instance volumes through block-device tags when the program uses them", "aws:ec2/instance:Instance", { rootBlockDevice: { tags: { Name: "root" } }, ebsBlockDevices: [{ deviceName: "/dev/sdf" }] },
            { tags: TAGS, rootBlockDevice: { tags: { ...TAGS, Name: "root" } }, ebsBlockDevices: [{ deviceName: "/dev/sdf", tags: TAGS }] }],
        ["spot fleet launch specifications: each one's instances", "aws:ec2/spotFleetRequest:SpotFleetRequest", { launchSpecifications: [{ instanceType: "p3.2xlarge" }, { instanceType: "g5.xlarge", tags: { Name: "g5" } }] },
            { tags: TAGS, launchSpecifications: [{ instanceType: "p3.2xlarge", tags: TAGS }, { instanceType: "g5.xlarge", tags: { ...TAGS, Name: "g5" } }] }],
        ["a Batch environment's instances through computeResources.tags", "aws:batch/computeEnvironment:ComputeEnvironment", { type: "MANAGED", computeResources: { type: "SPOT", maxVcpus: 64 } },
            { type: "MANAGED", tags: TAGS, computeResources: { type: "SPOT", maxVcpus: 64, tags: TAGS } }],
        ["Batch on Fargate: no instances, and its API refuses their tags", "aws:batch/computeEnvironment:ComputeEnvironment", { computeResources: { type: "FARGATE", maxVcpus: 16 } },
            { tags: TAGS, computeResources: { type: "FARGATE", maxVcpus: 16 } }],
        ["an unmanaged Batch environment", "aws:batch/computeEnvironment:ComputeEnvironment", { type: "UNMANAGED" }, { type: "UNMANAGED", tags: TAGS }],
        // Kubernetes: pods carry the set as labels on their template; a node pool tags what it launches with spec.tags.
        ["a Deployment's pod template labels, the selector's labels kept", "kubernetes:apps/v1:Deployment", { metadata: { name: "scoring" }, spec: { selector: { matchLabels: { app: "scoring" } }, template: { metadata: { labels: { app: "scoring" } }, spec: {} } } },
            { metadata: { name: "scoring" }, spec: { selector: { matchLabels: { app: "scoring" } }, template: { metadata: { labels: { ...TAGS, app: "scoring" } }, spec: {} } } }],
        ["a CronJob's jobs' pods", "kubernetes:batch/v1:CronJob", { spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: {} } } } } },
            { spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: {}, metadata: { labels: TAGS } } } } } }],
        ["a Pod's own labels, its value for a key kept", "kubernetes:core/v1:Pod", { metadata: { labels: { team: "search" } } }, { metadata: { labels: { ...TAGS, team: "search" } } }],
        ["a Karpenter node class's spec.tags", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", { spec: { role: "r", tags: { Name: "gpu" } } }, { spec: { role: "r", tags: { ...TAGS, Name: "gpu" } } }],
        // Cloud Control (aws-native): lists of { key, value }, maps where the type takes one, launch data's specifications.
        ["a Cloud Control list: appended, the program's entries kept", "aws-native:s3:Bucket", { tags: [{ key: "team", value: "search" }] }, { tags: [{ key: "team", value: "search" }, ...kv(TAGS).filter((t) => t.key !== "team")] }],
        ["a HyperPod cluster", "aws-native:sagemaker:Cluster", { instanceGroups: [] }, { instanceGroups: [], tags: kv(TAGS) }],
        ["a Cloud Control map (EKS node group)", "aws-native:eks:Nodegroup", { clusterName: "ml" }, { clusterName: "ml", tags: TAGS }],
        ["a Cloud Control launch template's launch data", "aws-native:ec2:LaunchTemplate", { launchTemplateData: { instanceType: "g5.xlarge", tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: "i" }] }] } },
            { launchTemplateData: { instanceType: "g5.xlarge", tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: "i" }, ...kv(TAGS)] }, { resourceType: "volume", tags: kv(TAGS) }, { resourceType: "network-interface", tags: kv(TAGS) }] } }],
        ["a Cloud Control instance's volumes: propagateTagsToVolumeOnCreation", "aws-native:ec2:Instance", { imageId: "ami-1" }, { imageId: "ami-1", tags: kv(TAGS), propagateTagsToVolumeOnCreation: true }],
        ["a Cloud Control instance whose program chose not to propagate", "aws-native:ec2:Instance", { propagateTagsToVolumeOnCreation: false }, { propagateTagsToVolumeOnCreation: false, tags: kv(TAGS) }],
        ["a Cloud Control spot fleet's launch specifications: an instance specification in each", "aws-native:ec2:SpotFleet",
            { spotFleetRequestConfigData: { launchSpecifications: [{ instanceType: "g5.xlarge" }, { instanceType: "p3.2xlarge", tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: "p3" }] }] }] } },
            { tags: kv(TAGS), spotFleetRequestConfigData: { launchSpecifications: [{ instanceType: "g5.xlarge", tagSpecifications: [{ resourceType: "instance", tags: kv(TAGS) }] }, { instanceType: "p3.2xlarge", tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: "p3" }, ...kv(TAGS)] }] }] } }],
        ["a Cloud Control autoscaling group", "aws-native:autoscaling:AutoScalingGroup", { maxSize: "4" }, { maxSize: "4", tags: Object.entries(TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true })) }],
        ["a Cloud Control Batch environment's instances", "aws-native:batch:ComputeEnvironment", { type: "MANAGED", computeResources: { type: "EC2", maxvCpus: 64 } }, { type: "MANAGED", tags: TAGS, computeResources: { type: "EC2", maxvCpus: 64, tags: TAGS } }],
    ])("%s", (_name, type, props, expected) => {
        expect(autoTagProps(type, props, TAGS)).toEqual(expected);
    });

    // S3 objects: their tags attribute no cost (S3 bills per bucket), and an object takes at most 10.
    test.each([["aws:s3/bucketPolicy:BucketPolicy"], ["aws:msk/configuration:Configuration"], ["aws:lambda/function:Function"], ["kubernetes:core/v1:Namespace"], ["aws:s3/bucketObjectv2:BucketObjectv2"], ["aws:s3/objectCopy:ObjectCopy"]])("%s is left alone", (type) => {
        expect(autoTagProps(type, { tags: { a: "b" } }, TAGS)).toBeUndefined();
    });

    test("a workload's template given as an Output stays one, labelled", async () => {
        const props = autoTagProps("kubernetes:apps/v1:Deployment", { spec: pulumi.output({ template: { metadata: { labels: { app: "x" } } } }) }, TAGS)!;
        expect(pulumi.Output.isInstance(props.spec)).toBe(true);
        expect(await new Promise((resolve) => (props.spec as pulumi.Output<unknown>).apply(resolve))).toEqual({ template: { metadata: { labels: { ...TAGS, app: "x" } } } });
    });

    test("patches and Helm releases are left alone; a set that cannot be labels fails naming the workload, AWS resources still tagged", () => {
        expect(autoTagProps("kubernetes:apps/v1:DeploymentPatch", { spec: { template: {} } }, TAGS)).toBeUndefined();
        expect(autoTagProps("kubernetes:helm.sh/v3:Release", { chart: "x" }, TAGS)).toBeUndefined();
        const email = { ...TAGS, created_by: "jane.doe@example.com" };
        expect(autoTagProps("aws:s3/bucket:Bucket", {}, email)).toEqual({ tags: email });
        expect(() => autoTagProps("kubernetes:batch/v1:Job", { spec: { template: {} } }, email)).toThrow(/registerAutoTagging \(kubernetes:batch\/v1:Job\): invalid attribution tags:\n {2}- `created_by` .*e-mail address/);
    });

    test("the scope can be widened", () => {
        expect(autoTagProps("aws:lambda/function:Function", {}, TAGS, { services: ["lambda"], includeTypes: [], excludeTypes: [] })).toEqual({ tags: TAGS });
        expect(autoTagProps("aws:s3/bucketObjectv2:BucketObjectv2", {}, TAGS, { services: ["s3"], includeTypes: [], excludeTypes: [] })).toEqual({ tags: TAGS });
    });

    test("a Batch environment's computeResources given as an Output stays one, its instances tagged", async () => {
        const props = autoTagProps("aws:batch/computeEnvironment:ComputeEnvironment", { computeResources: pulumi.output({ type: "EC2", tags: { Name: "gpu" } }) }, TAGS)!;
        expect(await new Promise((resolve) => (props.computeResources as pulumi.Output<unknown>).apply(resolve))).toEqual({ type: "EC2", tags: { ...TAGS, Name: "gpu" } });
    });

    test("tags given as an Output stay an Output, with the set merged in", async () => {
        const props = autoTagProps("aws:s3/bucket:Bucket", { tags: pulumi.output({ Name: "late" }) }, TAGS)!;
        expect(pulumi.Output.isInstance(props.tags)).toBe(true);
        expect(await new Promise((resolve) => (props.tags as pulumi.Output<unknown>).apply(resolve))).toEqual({ ...TAGS, Name: "late" });
    });
});

describe("registerAutoTagging on an existing program", () => {
    const legacyDir = path.join(ROOT, "examples", "legacy-untagged");
    const taggedDir = path.join(ROOT, "test", "fixtures", "programs", "auto-tagged-legacy");

    test("examples/legacy-untagged gets zero required-tag violations, and keeps the tags it had", async () => {
        const r = spawnSync(process.execPath, [path.join(ROOT, "cli", "bin", "tagguard.js"), "check", taggedDir, "--format", "json"], { encoding: "utf8", cwd: ROOT });
        const report = JSON.parse(r.stdout) as CheckReport;
        expect(report.violations.filter((v) => v.policy === "required-tags")).toEqual([]);
        expect(report.summary).toMatchObject({ inScope: 18, attributable: 18 }); // the Deployment's pods labelled too, the HyperPod cluster (aws-native) tagged
        // What a transform cannot fix: a node group needs a launch template (the GpuNodeGroup component).
        expect(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => [v.policy, v.name])).toEqual([["cost-reaches-tagged-resource", "gpu-nodes"]]);
        expect(r.status).toBe(1);

        const run = async (dir: string) => {
            const project = readProject(dir);
            return (await runProgram({ project, stack: readStackConfig({ project, stack: chooseStack(project, "dev") }), organization: "o" })).recorded.resources;
        };
        const [before, after] = await Promise.all([run(legacyDir), run(taggedDir)]);
        const tagsOf = (rs: typeof before, name: string) => rs.find((x) => x.name === name)?.inputs.tags;
        expect(tagsOf(before, "gpu-trainer-0")).toEqual({ Name: "gpu-trainer-0", Team: "fraud" });
        expect(tagsOf(after, "gpu-trainer-0")).toEqual({ ...TAGS, model_id: "fraud-xgb-v3", Name: "gpu-trainer-0", Team: "fraud" });
        expect(tagsOf(after, "training-fleet")).toEqual(expect.arrayContaining([{ key: "Name", value: "training-fleet", propagateAtLaunch: true }, { key: "team", value: "fraud", propagateAtLaunch: true }]));
        expect(tagsOf(after, "llm-pretrain")).toEqual([{ key: "Name", value: "llm-pretrain" }, ...Object.entries({ ...TAGS, model_id: "fraud-xgb-v3" }).map(([key, value]) => ({ key, value }))]);
        for (const b of before) {
            const a = after.find((x) => x.name === b.name && x.type === b.type)!;
            const own = b.inputs.tags;
            if (own && typeof own === "object" && !Array.isArray(own)) expect(a.inputs.tags).toEqual(expect.objectContaining(own));
            if (Array.isArray(own)) expect(a.inputs.tags).toEqual(expect.arrayContaining(own));
        }
    });
});

test("the @tagguard/components entry point exports the components (after `npm run build`)", () => {
    const r = spawnSync(process.execPath, ["-e", "console.log(Object.keys(require('@tagguard/components')).sort().join(','))"], { encoding: "utf8", cwd: ROOT });
    expect(r.stdout.trim().split(",")).toEqual(expect.arrayContaining(["ModelBucket", "GpuNodeGroup", "TrainingFleet", "InferenceEndpoint", "StreamingCluster", "DevelopmentDomain", "FeatureGroup", "attributionProvider", "registerAutoTagging"]));
});
