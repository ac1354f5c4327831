/**
 * Every component under `pulumi.runtime.setMocks`, with every registration recorded as the engine would
 * receive it: each child in scope carries the full tag set in its type's shape, and every resource
 * passes every policy of the pack, evaluated by the SDK's own request handlers.
 */
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { engineView } from "../../cli/check/engine-view";
import { createRecorder } from "../../cli/check/recording-monitor";
import type { RecordedResource } from "../../cli/check/recorded";
import type { AnalyzedResource } from "../../cli/engine/analyzer-client";
import {
    BatchTrainingEnvironment, DevelopmentDomain, FeatureGroup, GpuNodeGroup, InferenceEndpoint, InvalidTagSetError, ModelBucket, StreamingCluster, TrainingFleet,
    attributionProvider, podLabels, type AttributionTags,
} from "../../components";
import { GpuNodePool } from "@tagguard/components/kubernetes";
import { HyperPodCluster, nativeAttributionProvider } from "@tagguard/components/aws-native";
import * as awsnative from "@pulumi/aws-native";
import { nativeTags } from "../../components";
import { createPolicies } from "../../policies/all";
import { requiredKeyStatus } from "../../policies/required-tags";
import { scopedEntry, ScopeConfigSchema } from "../../tagset/config";
import { attributionTags } from "../../tagset/effective-tags";
import { analyze, analyzeStack, byLevel } from "../harness/sdk-policy-server";
import { inDays } from "../fixtures";

const ROOT = path.join(__dirname, "..", "..");
const recorder = createRecorder("us-east-1");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

beforeAll(async () => {
    await pulumi.runtime.setMocks(recorder.mocks as pulumi.runtime.Mocks, "components", "test", true);
    recorder.install(require.resolve("@pulumi/pulumi"));
});

/** Runs `build` and returns exactly what it registered. */
async function record(build: () => void): Promise<RecordedResource[]> {
    const before = recorder.result().resources.length;
    build();
    await settings.waitForRPCs();
    return recorder.result().resources.slice(before);
}

const toEngine = (resources: RecordedResource[]): AnalyzedResource[] =>
    engineView({ resources, unmockedCalls: [] }, { name: "components", programDir: ROOT }, { stack: "test", entries: new Map() }).stack;

const TAGS: AttributionTags = { team: "fraud", cost_center: "cc-1042", project: "fraud-detection", model_id: "fraud-xgb-v3", environment: "production", lifecycle_phase: "training", created_by: "jane.doe", managed_by: "pulumi" };
const EXPERIMENT: AttributionTags = { ...TAGS, environment: "experiment", experiment_id: "hpo-7", expires_at: inDays(10) };
const role = "arn:aws:iam::123456789012:role/ml";

interface ComponentCase {
    name: string;
    build(tags: AttributionTags, name: string): pulumi.ComponentResource;
    /** Child types, in any order. */
    children: string[];
}

const components: ComponentCase[] = [
    {
        name: "ModelBucket",
        build: (tags, name) => new ModelBucket(name, { tags, extraTags: { Name: "models" } }),
        children: ["aws:s3/bucket:Bucket", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    },
    {
        name: "GpuNodeGroup",
        build: (tags, name) => new GpuNodeGroup(name, { tags, clusterName: "ml", nodeRoleArn: role, subnetIds: ["subnet-1"], scaling: { minSize: 0, maxSize: 4, desiredSize: 1 } }),
        children: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/nodeGroup:NodeGroup"],
    },
    {
        name: "TrainingFleet (on demand)",
        build: (tags, name) => new TrainingFleet(name, { tags, imageId: "ami-1", instanceTypes: ["g5.xlarge"], subnetIds: ["subnet-1"], maxSize: 4 }),
        children: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group"],
    },
    {
        name: "TrainingFleet (spot)",
        build: (tags, name) => new TrainingFleet(name, { tags, imageId: "ami-1", instanceTypes: ["g5.xlarge", "g4dn.xlarge"], subnetIds: ["subnet-1"], maxSize: 4, spot: true }),
        children: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group"],
    },
    {
        name: "BatchTrainingEnvironment (spot)",
        build: (tags, name) => new BatchTrainingEnvironment(name, { tags, instanceTypes: ["g5", "p3.2xlarge"], maxVcpus: 256, subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"], instanceRole: "ecsInstanceRole", spot: true }),
        children: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:batch/computeEnvironment:ComputeEnvironment", "aws:batch/jobQueue:JobQueue"],
    },
    {
        name: "InferenceEndpoint",
        build: (tags, name) => new InferenceEndpoint(name, { tags, executionRoleArn: role, image: "img", instanceType: "ml.m5.large" }),
        children: ["aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sagemaker/endpoint:Endpoint"],
    },
    {
        name: "StreamingCluster",
        build: (tags, name) => new StreamingCluster(name, { tags, brokerCount: 3, brokerInstanceType: "kafka.m5.large", clientSubnets: ["subnet-1"], securityGroups: ["sg-1"] }),
        children: ["aws:msk/configuration:Configuration", "aws:msk/cluster:Cluster"],
    },
    {
        name: "DevelopmentDomain",
        build: (tags, name) => new DevelopmentDomain(name, { tags, vpcId: "vpc-1", subnetIds: ["subnet-1"], executionRoleArn: role, userProfiles: ["ana", "lee"] }),
        children: ["aws:sagemaker/domain:Domain", "aws:sagemaker/userProfile:UserProfile", "aws:sagemaker/userProfile:UserProfile"],
    },
    {
        name: "FeatureGroup",
        build: (tags, name) => new FeatureGroup(name, { tags, roleArn: role, recordIdentifierFeatureName: "id", eventTimeFeatureName: "ts", features: [{ name: "id", type: "String" }, { name: "ts", type: "Fractional" }] }),
        children: ["tagguard:ml:ModelBucket", "aws:s3/bucket:Bucket", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:sagemaker/featureGroup:FeatureGroup"],
    },
    {
        name: "HyperPodCluster",
        build: (tags, name) => new HyperPodCluster(name, { tags, eksClusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/ml", instanceGroups: [{ name: "workers", instanceType: "ml.p5.48xlarge", instanceCount: 2, executionRole: role, ebsVolumeSizeGb: 500 }] }),
        children: ["aws-native:sagemaker:Cluster"],
    },
    {
        name: "GpuNodePool",
        build: (tags, name) => new GpuNodePool(name, { tags: { ...tags, model_id: "shared" }, clusterName: "ml", nodeRoleName: "KarpenterNodeRole-ml", capacityTypes: ["spot", "on-demand"] }),
        children: ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.sh/v1:NodePool"],
    },
];

const scope = ScopeConfigSchema.parse({});
const resourcePolicies = createPolicies().filter((p) => "validateResource" in p && typeof p.validateResource === "function");
const stackPolicies = createPolicies().filter((p) => "validateStack" in p && typeof p.validateStack === "function");

describe.each(components.map((c) => [c.name, c] as const))("%s", (_label, c) => {
    let engine: AnalyzedResource[];
    const name = c.name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/-$/, "");
    beforeAll(async () => {
        engine = toEngine(await record(() => c.build(TAGS, name)));
    });

    test("registers the component and its children, parented to it", () => {
        const [component, ...children] = engine;
        expect(component.type).toMatch(/^tagguard:(ml|kubernetes|sagemaker):/);
        expect(children.map((r) => r.type).sort()).toEqual([...c.children].sort());
        for (const child of children) expect([component.urn, ...children.map((r) => r.urn)]).toContain(child.options?.parent);
    });

    test("every child in scope carries the full tag set", () => {
        const inScope = engine.filter((r) => !("skip" in scopedEntry(r.type, scope)));
        expect(inScope.length).toBeGreaterThan(0);
        for (const r of inScope) {
            const scoped = scopedEntry(r.type, scope);
            if ("skip" in scoped) continue;
            const eff = attributionTags(r.inputs, scoped.entry, r.provider);
            expect(eff.result.state).toBe("known");
            if (eff.result.state !== "known") continue;
            expect([r.type, requiredKeyStatus(eff.result.tags, false)]).toEqual([r.type, expect.objectContaining({ missing: [], unknown: [], notStrings: [] })]);
            expect(eff.notPropagated ? [...eff.notPropagated] : []).toEqual([]);
        }
    });

    test("passes every policy of the pack", async () => {
        const mandatory: string[] = [];
        for (const policy of resourcePolicies) {
            for (const r of engine) mandatory.push(...byLevel(await analyze(policy as Parameters<typeof analyze>[0], r)).mandatory.map((m) => `${policy.name} ${r.type}: ${m}`));
        }
        for (const policy of stackPolicies) mandatory.push(...byLevel(await analyzeStack(policy as Parameters<typeof analyze>[0], engine)).mandatory);
        expect(mandatory).toEqual([]);
    });

    test.each([
        ["a missing key", { ...TAGS, team: undefined }, /`team` Invalid input: expected string, received undefined/],
        ["a bad enum value", { ...TAGS, lifecycle_phase: "serving" }, /`lifecycle_phase` "serving" must be one of training, inference, feature_pipeline, monitoring, data_pipeline, development/],
        ["an expires_at in the past", { ...EXPERIMENT, expires_at: inDays(-1) }, /`expires_at` ".*" is in the past/],
        ["an experiment without experiment_id", { ...EXPERIMENT, experiment_id: undefined }, /`experiment_id` is required when `environment` is experiment/],
    ])("%s fails at construction and registers nothing", async (_case, tags, message) => {
        let thrown: unknown;
        const registered = await record(() => {
            try {
                c.build(tags as AttributionTags, `${name}-invalid`);
            } catch (e) {
                thrown = e;
            }
        });
        expect(thrown).toBeInstanceOf(InvalidTagSetError);
        expect((thrown as Error).message).toMatch(new RegExp(`^${c.name.split(" ")[0]} "${name}-invalid": invalid attribution tags:\\n`));
        expect((thrown as Error).message).toMatch(message);
        expect(registered).toEqual([]);
    });
});

describe("shapes and specifics", () => {
    test("an experiment bucket expires its objects at expires_at", async () => {
        const engine = toEngine(await record(() => new ModelBucket("scratch", { tags: EXPERIMENT })));
        const rule = engine.find((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        expect(rule?.inputs.rules).toEqual([expect.objectContaining({ status: "Enabled", expiration: expect.objectContaining({ date: `${EXPERIMENT.expires_at}T00:00:00Z` }) })]);
    });

    test("the node group launches from its tagging launch template", async () => {
        const engine = toEngine(await record(() => new GpuNodeGroup("gpu", { tags: TAGS, clusterName: "ml", nodeRoleArn: role, subnetIds: ["s"], scaling: { minSize: 0, maxSize: 1, desiredSize: 1 } })));
        const lt = engine.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
        const nodeGroup = engine.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
        expect((lt.inputs.tagSpecifications as { resourceType: string }[]).map((s) => s.resourceType)).toEqual(["instance", "volume", "network-interface"]);
        expect(nodeGroup.propertyDependencies?.launchTemplate).toEqual([lt.urn]);
    });

    test("the spot fleet uses a mixed-instances policy and propagates every tag", async () => {
        const engine = toEngine(await record(() => new TrainingFleet("spot", { tags: TAGS, imageId: "ami", instanceTypes: ["a", "b"], subnetIds: ["s"], maxSize: 2, spot: true })));
        const asg = engine.find((r) => r.type === "aws:autoscaling/group:Group")!;
        expect(asg.inputs).toHaveProperty("mixedInstancesPolicy.launchTemplate.overrides", [{ instanceType: "a" }, { instanceType: "b" }]);
        expect(asg.inputs.tags).toEqual(expect.arrayContaining(Object.entries(TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true }))));
    });

    test("the Batch environment tags the instances it launches, and their volumes through its launch template", async () => {
        const engine = toEngine(await record(() => new BatchTrainingEnvironment("batch-shape", { tags: TAGS, instanceTypes: ["g5"], maxVcpus: 64, subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"], instanceRole: "ecsInstanceRole" })));
        const ce = engine.find((r) => r.type === "aws:batch/computeEnvironment:ComputeEnvironment")!;
        expect(ce.inputs.computeResources).toMatchObject({ type: "EC2", tags: TAGS, launchTemplate: { launchTemplateId: expect.any(String) } });
        expect(ce.inputs.tags).toEqual(TAGS);
    });

    test("the development domain propagates its tags", async () => {
        const engine = toEngine(await record(() => new DevelopmentDomain("studio", { tags: TAGS, vpcId: "v", subnetIds: ["s"], executionRoleArn: role })));
        expect(engine.find((r) => r.type === "aws:sagemaker/domain:Domain")!.inputs.tagPropagation).toBe("ENABLED");
    });

    test("extra tags are kept, and cannot redefine attribution keys", async () => {
        const engine = toEngine(await record(() => new ModelBucket("named", { tags: TAGS, extraTags: { Name: "named", Service: "scoring" } })));
        expect(engine.find((r) => r.type === "aws:s3/bucket:Bucket")!.inputs.tags).toEqual({ Name: "named", Service: "scoring", ...TAGS });
        expect(() => new ModelBucket("override", { tags: TAGS, extraTags: { team: "someone-else" } })).toThrow(/`team` belongs in `tags`, not in `extraTags`/);
    });

    test("the GPU node pool's class tags what Karpenter launches, and the pool launches from it", async () => {
        const engine = toEngine(await record(() => new GpuNodePool("shared-gpu", { tags: { ...TAGS, model_id: "shared" }, extraTags: { Name: "shared-gpu" }, clusterName: "ml", nodeRoleName: "KarpenterNodeRole-ml", gpuLimit: 32 })));
        const nodeClass = engine.find((r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")!;
        const pool = engine.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
        expect(nodeClass.inputs).toMatchObject({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { role: "KarpenterNodeRole-ml", tags: { ...TAGS, model_id: "shared", Name: "shared-gpu" }, subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "ml" } }] } });
        expect(pool.inputs).toMatchObject({ spec: { limits: { "nvidia.com/gpu": 32 }, template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "shared-gpu" }, taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] } } } });
    });

    test("podLabels: the set as pod labels, validated as labels", () => {
        expect(podLabels(TAGS, { app: "scoring" })).toEqual({ ...TAGS, app: "scoring" });
        expect(() => podLabels({ ...TAGS, created_by: "jane.doe@example.com" })).toThrow(/^podLabels: invalid attribution tags:\n {2}- `created_by` "jane\.doe@example\.com" is an e-mail address, which cannot be a label value .*`jane\.doe`, or `automation`/);
        // A valid tag value that is not a valid label value: a timestamp.
        expect(() => podLabels({ ...EXPERIMENT, expires_at: `${EXPERIMENT.expires_at}T12:00:00Z` })).toThrow(/`expires_at` ".*T12:00:00Z" must be a date only \(YYYY-MM-DD\) in a label/);
        expect(() => podLabels(TAGS, { team: "other" })).toThrow(/`team` belongs in `tags`/);
    });

    test("the HyperPod cluster carries the set in the Cloud Control form, its instance groups and volumes as given; it refuses no groups or a repeated name", async () => {
        const engine = toEngine(await record(() => new HyperPodCluster("pretrain", {
            tags: TAGS, extraTags: { Name: "pretrain" }, nodeRecovery: "None",
            instanceGroups: [{ name: "controller", instanceType: "ml.m5.xlarge", instanceCount: 1, executionRole: role }, { name: "workers", instanceType: "ml.p5.48xlarge", instanceCount: 4, executionRole: role, ebsVolumeSizeGb: 1000, trainingPlanArn: "arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5" }],
        })));
        const cluster = engine.find((r) => r.type === "aws-native:sagemaker:Cluster")!;
        expect(cluster.inputs.tags).toEqual(Object.entries({ Name: "pretrain", ...TAGS }).map(([key, value]) => ({ key, value })));
        expect(cluster.inputs).toMatchObject({ nodeRecovery: "None", instanceGroups: [
            { instanceGroupName: "controller", instanceType: "ml.m5.xlarge", instanceCount: 1, executionRole: role },
            { instanceGroupName: "workers", instanceCount: 4, instanceStorageConfigs: [{ ebsVolumeConfig: { volumeSizeInGb: 1000 } }], trainingPlanArn: "arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5" },
        ] });
        // The training plan's fee is billed to the plan: said as advice, never a failure.
        const reach = createPolicies().find((p) => p.name === "cost-reaches-tagged-resource")!;
        expect(byLevel(await analyze(reach as Parameters<typeof analyze>[0], cluster))).toMatchObject({ mandatory: [], advisory: [expect.stringMatching(/^Instance group `workers` \(4 × ml\.p5\.48xlarge\) runs on a SageMaker training plan/)] });
        expect(() => new HyperPodCluster("none", { tags: TAGS, instanceGroups: [] })).toThrow(/^HyperPodCluster "none": at least one instance group is needed$/);
        expect(() => new HyperPodCluster("twice", { tags: TAGS, instanceGroups: [{ name: "w", instanceType: "ml.p5.48xlarge", instanceCount: 1, executionRole: role }, { name: "w", instanceType: "ml.p5.48xlarge", instanceCount: 1, executionRole: role }] }))
            .toThrow(/instance group names must be unique; "w" is given twice/);
    });

    test("nativeTags and nativeAttributionProvider: the set in Cloud Control's shapes", async () => {
        expect(nativeTags(TAGS, { Name: "x" })).toEqual(Object.entries({ Name: "x", ...TAGS }).map(([key, value]) => ({ key, value })));
        expect(() => nativeTags({ ...TAGS, environment: "prod" } as unknown as AttributionTags)).toThrow(/^nativeTags: invalid attribution tags:\n {2}- `environment` "prod"/);
        const engine = toEngine(await record(() => {
            const provider = nativeAttributionProvider("platform-native", TAGS, { region: "eu-west-1" });
            new awsnative.s3.Bucket("via-native-provider", { tags: [{ key: "model_id", value: "other" }] }, { provider });
        }));
        const provider = engine.find((r) => r.type === "pulumi:providers:aws-native")!;
        expect(JSON.parse(provider.inputs.defaultTags as string)).toEqual({ tags: TAGS });
        // The provider's Check merges its defaults in; the bucket's own value wins.
        const bucket = engine.find((r) => r.name === "via-native-provider")!;
        expect(bucket.inputs.tags).toEqual([{ key: "model_id", value: "other" }, ...Object.entries(TAGS).filter(([k]) => k !== "model_id").sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value }))]);
    });

    test("attributionProvider puts the set in the provider's default tags", async () => {
        const engine = toEngine(await record(() => {
            const provider = attributionProvider("platform", TAGS, { region: "eu-west-1" });
            new aws.s3.Bucket("via-provider", {}, { provider });
        }));
        const provider = engine.find((r) => r.type === "pulumi:providers:aws")!;
        expect(JSON.parse(provider.inputs.defaultTags as string)).toEqual({ tags: TAGS });
        expect(engine.find((r) => r.name === "via-provider")!.inputs.tagsAll).toEqual(TAGS);
    });
});
