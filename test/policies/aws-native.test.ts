/**
 * The pack on the Cloud Control provider (`@pulumi/aws-native`): each tag shape it uses, its provider's
 * default tags (stack config and explicit providers), its launch templates, instances, fleets, node
 * groups, autoscaling groups, Batch environments and SageMaker HyperPod clusters, served by the SDK.
 */
import { awsTagLimitsPolicy } from "../../policies/aws-tag-limits";
import { costReachesTaggedResourcePolicy } from "../../policies/cost-reaches-tagged-resource";
import { fillDerivableTagsPolicy } from "../../policies/fill-derivable-tags";
import { requiredTagsPolicy } from "../../policies/required-tags";
import { tagValuesPolicy } from "../../policies/tag-values";
import { AWS_NATIVE_REGISTRY } from "../../tagset/aws-native.generated";
import { analyze, analyzeStack, byLevel, remediate, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, asgTags, secret, without } from "../fixtures";

const kv = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([key, value]) => ({ key, value }));
/** The default `aws-native` provider as the engine sends it: `defaultTags` as JSON text. */
const nativeProvider = (defaultTags?: Record<string, string>, name = "default_1_79_0") => ({
    type: "pulumi:providers:aws-native", name, props: { region: "us-east-1", ...(defaultTags ? { defaultTags: JSON.stringify({ tags: defaultTags }) } : {}) },
});
const BUCKET = "aws-native:s3:Bucket";
const MSK = "aws-native:msk:Cluster";
const NODEGROUP = "aws-native:eks:Nodegroup";
const HYPERPOD = "aws-native:sagemaker:Cluster";
const LAUNCH_TEMPLATE = "aws-native:ec2:LaunchTemplate";
const INSTANCE = "aws-native:ec2:Instance";
const ASG = "aws-native:autoscaling:AutoScalingGroup";
const SPOT_FLEET = "aws-native:ec2:SpotFleet";
const BATCH = "aws-native:batch:ComputeEnvironment";

describe("the generated registry of @pulumi/aws-native", () => {
    test.each([
        [BUCKET, "kv-list"], [HYPERPOD, "kv-list"], ["aws-native:sagemaker:InferenceComponent", "kv-list"], ["aws-native:sagemaker:Endpoint", "kv-list"],
        [MSK, "map"], [NODEGROUP, "map"], [BATCH, "map"], [ASG, "asg-list"], ["aws-native:ec2:KeyPair", "kv-list"], ["aws-native:ec2:Route", "none"],
    ])("%s takes tags as %s", (type, shape) => {
        expect(AWS_NATIVE_REGISTRY[type]?.tags).toBe(shape);
    });

    test("what carries cost: HyperPod's instance groups, launch data's tag specifications, launch-template references, volume propagation", () => {
        expect(AWS_NATIVE_REGISTRY[HYPERPOD].instanceGroups).toEqual(["instanceGroups[]", "restrictedInstanceGroups[]"]);
        expect(AWS_NATIVE_REGISTRY[LAUNCH_TEMPLATE]).toMatchObject({ launchTemplate: true, carriers: [{ path: "launchTemplateData.tagSpecifications[]", shape: "tag-specifications", tagList: true }] });
        expect(AWS_NATIVE_REGISTRY[INSTANCE]).toMatchObject({ volumeTagPropagation: "propagateTagsToVolumeOnCreation", launchTemplateRefs: ["launchTemplate"] });
        expect(AWS_NATIVE_REGISTRY[NODEGROUP].launchTemplateRefs).toEqual(["launchTemplate"]);
        expect(AWS_NATIVE_REGISTRY[BATCH].carriers).toEqual([{ path: "computeResources.tags", shape: "map", reaches: "instances" }]);
        // Only the five services and what launches EC2 instances for them.
        expect(new Set(Object.values(AWS_NATIVE_REGISTRY).map((e) => e.module))).toEqual(new Set(["autoscaling", "batch", "ec2", "eks", "msk", "s3", "s3express", "s3tables", "sagemaker"]));
    });
});

interface Case { name: string; resource: ResourceCase; mandatory?: RegExp[]; advisory?: RegExp[] }

describe("required-tags on every Cloud Control tag shape", () => {
    const cases: Case[] = [
        { name: "a list of { key, value } with the full set", resource: { type: BUCKET, props: { tags: kv(FULL_TAGS) }, provider: nativeProvider() } },
        { name: "a map with the full set (MSK)", resource: { type: MSK, props: { tags: FULL_TAGS }, provider: nativeProvider() } },
        { name: "an autoscaling list, propagated", resource: { type: ASG, props: { tags: asgTags(FULL_TAGS) }, provider: nativeProvider() } },
        {
            name: "a list lacking keys names them and the aws-native stack config",
            resource: { type: BUCKET, props: { tags: kv(without(FULL_TAGS, "team", "model_id")) }, provider: nativeProvider() },
            mandatory: [/^Missing required tags: `model_id`, `team` \(looked at tags\)\. The default aws-native provider sets no default tags \(stack config `aws-native:defaultTags`\)\. Set them once for every resource of the default provider in the stack file \(`aws-native:defaultTags: \{tags: \{model_id: \.\.\., team: \.\.\.\}\}`/],
        },
        { name: "default tags of the aws-native provider (stack config) complete the set", resource: { type: BUCKET, props: { tags: kv({ team: "fraud", model_id: "m1" }) }, provider: nativeProvider(without(FULL_TAGS, "team", "model_id")) } },
        { name: "default tags alone, on a map-shaped type", resource: { type: NODEGROUP, props: {}, provider: nativeProvider(FULL_TAGS) } },
        {
            name: "an explicit provider's default tags, named when they lack a key",
            resource: { type: BUCKET, props: {}, provider: nativeProvider(without(FULL_TAGS, "team"), "ml-native") },
            mandatory: [/^Missing required tags: `team` \(looked at provider defaultTags\)\. It uses provider `ml-native`, whose `defaultTags` do not set them/],
        },
        {
            name: "the resource's value wins over the default, as the provider merges them (an empty value is missing)",
            resource: { type: BUCKET, props: { tags: kv({ team: "" }) }, provider: nativeProvider(FULL_TAGS) },
            mandatory: [/^Missing required tags: `team` \(looked at tags and provider defaultTags\)/],
        },
        {
            name: "tags post-Check (defaults already merged by the provider) read the same",
            resource: { type: BUCKET, props: { tags: kv(FULL_TAGS) }, provider: nativeProvider(FULL_TAGS) },
        },
        { name: "a map where a list belongs", resource: { type: BUCKET, props: { tags: FULL_TAGS }, provider: nativeProvider() }, mandatory: [/^`tags` is a object, but this Cloud Control type takes a list of `\{ key, value \}`\./] },
        { name: "unknown tags at preview", resource: { type: BUCKET, props: { tags: UNKNOWN }, provider: nativeProvider() }, advisory: [/cannot be known during preview/] },
        { name: "an unknown value counts as present", resource: { type: BUCKET, props: { tags: [...kv(without(FULL_TAGS, "team")), { key: "team", value: UNKNOWN }] }, provider: nativeProvider() }, advisory: [/Values of `team` are unknown/] },
        {
            name: "a secret entry keeps its key hidden",
            resource: { type: BUCKET, props: { tags: [...kv(without(FULL_TAGS, "team")), secret({ key: "Team", value: "fraud" })] }, provider: nativeProvider() },
            mandatory: [/^Missing required tags: `team` \(looked at tags\)\. Found a secret key \(did you mean `team`\?\)/],
        },
        { name: "entries without a key are skipped, not crashed on", resource: { type: BUCKET, props: { tags: [...kv(FULL_TAGS), { value: "x" }, null, 7] }, provider: nativeProvider() } },
    ];
    test.each(cases)("$name", async (c) => {
        const r = byLevel(await analyze(requiredTagsPolicy(), c.resource));
        expect(r.mandatory).toHaveLength(c.mandatory?.length ?? 0);
        c.mandatory?.forEach((re, i) => expect(r.mandatory[i]).toMatch(re));
        expect(r.advisory).toHaveLength(c.advisory?.length ?? 0);
        c.advisory?.forEach((re, i) => expect(r.advisory[i]).toMatch(re));
    });
});

describe("tag-values and aws-tag-limits read Cloud Control lists", () => {
    test("a value outside the vocabulary", async () => {
        const r = byLevel(await analyze(tagValuesPolicy(), { type: BUCKET, props: { tags: kv({ ...FULL_TAGS, environment: "prod" }) }, provider: nativeProvider() }));
        expect(r.mandatory.join("\n")).toMatch(/`environment`.*"prod"/);
    });

    test("a key listed twice is refused, as AWS refuses it", async () => {
        const r = byLevel(await analyze(awsTagLimitsPolicy(), { type: BUCKET, props: { tags: [...kv(FULL_TAGS), { key: "team", value: "search" }] }, provider: nativeProvider() }));
        expect(r.mandatory).toEqual([expect.stringMatching(/`tags` lists `team` more than once: a key may appear once\./)]);
    });

    test("launch data's tag specifications are held to EC2's limits", async () => {
        const long = "x".repeat(300);
        const r = byLevel(await analyze(awsTagLimitsPolicy(), { type: LAUNCH_TEMPLATE, props: { launchTemplateData: { tagSpecifications: [{ resourceType: "instance", tags: kv({ ...FULL_TAGS, note: long }) }] } }, provider: nativeProvider() }));
        expect(r.mandatory.join("\n")).toMatch(/`launchTemplateData\.tagSpecifications` \(instance\) `note`: .*256/);
    });
});

const fullSpecs = [{ resourceType: "instance", tags: kv(FULL_TAGS) }, { resourceType: "volume", tags: kv(FULL_TAGS) }];

describe("cost-reaches-tagged-resource in Cloud Control shapes", () => {
    const policy = costReachesTaggedResourcePolicy();
    const template = (specs: unknown, name = "gpu-lt"): ResourceCase => ({ type: LAUNCH_TEMPLATE, name, urn: `urn:pulumi:dev::ml::${LAUNCH_TEMPLATE}::${name}`, props: { launchTemplateData: { instanceType: "g5.12xlarge", tagSpecifications: specs } }, outputs: { launchTemplateId: "lt-0abc", launchTemplateName: name, launchTemplateData: { tagSpecifications: specs } }, provider: nativeProvider() });

    test("a launch template whose launch data tags instances and volumes passes; one that misses volumes does not", async () => {
        expect(byLevel(await analyze(policy, template(fullSpecs))).mandatory).toEqual([]);
        const r = byLevel(await analyze(policy, template([fullSpecs[0]])));
        expect(r.mandatory).toEqual([expect.stringMatching(/^Instances and volumes launched from this template would be unattributable: no tag specification for `volume`\./)]);
    });

    // As a public program has it: the template's own `tagSpecifications` (which tag only the template) set, its launch data's not.
    test("a template with only its own tagSpecifications is told where instance and volume tags go, and an aws node group using it too", async () => {
        const props = { launchTemplateData: { instanceType: "c6i.8xlarge" }, tagSpecifications: [{ resourceType: "launch-template", tags: kv(FULL_TAGS) }] };
        const ownOnly: ResourceCase = { type: LAUNCH_TEMPLATE, name: "launch-template", urn: `urn:pulumi:dev::ml::${LAUNCH_TEMPLATE}::launch-template`, props, outputs: { ...props, launchTemplateId: "lt-0abc", launchTemplateName: "launch-template" }, provider: nativeProvider() };
        const where = /Give the launch template `launchTemplateData\.tagSpecifications` for `instance` and `volume` that carry the full tag set \(its own `tagSpecifications` tag only the template/;
        expect(byLevel(await analyze(policy, ownOnly)).mandatory).toEqual([expect.stringMatching(where)]);
        const nodeGroup: ResourceCase = { type: "aws:eks/nodeGroup:NodeGroup", name: "utilities", props: { tags: FULL_TAGS, tagsAll: FULL_TAGS, launchTemplate: { id: "lt-0abc", version: "1" } } };
        // The node group is @pulumi/aws, the template Cloud Control: the fix is in the template's words.
        expect(byLevel(await analyzeStack(policy, [ownOnly, nodeGroup])).mandatory).toEqual([expect.stringMatching(/^This node group launches from launch template `launch-template`, whose instances and volumes would be unattributable: no tag specification for `instance`; no tag specification for `volume`\. Give the launch template `launchTemplateData\.tagSpecifications`/)]);
    });

    test("a node group is judged by the launch template it references, found by id, name or dependency", async () => {
        for (const ref of [{ id: "lt-0abc" }, { name: "gpu-lt" }]) {
            const nodegroup: ResourceCase = { type: NODEGROUP, name: "gpu-nodes", props: { tags: FULL_TAGS, launchTemplate: { ...ref, version: "1" } }, provider: nativeProvider() };
            expect(byLevel(await analyzeStack(policy, [template(fullSpecs), nodegroup])).mandatory).toEqual([]);
            const bad = byLevel(await analyzeStack(policy, [template([{ resourceType: "instance", tags: kv(without(FULL_TAGS, "team")) }]), nodegroup]));
            expect(bad.mandatory).toEqual([expect.stringMatching(/^This node group launches from launch template `gpu-lt`, whose instances and volumes would be unattributable: `instance` tags lack `team`; no tag specification for `volume`/)]);
        }
        const bare = byLevel(await analyze(policy, { type: NODEGROUP, props: { tags: FULL_TAGS }, provider: nativeProvider() }));
        expect(bare.mandatory).toEqual([expect.stringMatching(/^The EC2 instances and volumes of this Nodegroup would be unattributable: its own tags never reach them/)]);
    });

    test("an autoscaling group launching from a Cloud Control template (launchTemplateId)", async () => {
        const asg: ResourceCase = { type: ASG, name: "workers", props: { tags: asgTags(FULL_TAGS, false), launchTemplate: { launchTemplateId: "lt-0abc", version: "1" } }, provider: nativeProvider() };
        expect(byLevel(await analyzeStack(policy, [template(fullSpecs), asg])).mandatory).toEqual([]);
    });

    test("an instance's volumes: attributable with propagateTagsToVolumeOnCreation, not without", async () => {
        expect(byLevel(await analyze(policy, { type: INSTANCE, props: { tags: kv(FULL_TAGS), propagateTagsToVolumeOnCreation: true }, provider: nativeProvider() })).mandatory).toEqual([]);
        const r = byLevel(await analyze(policy, { type: INSTANCE, props: { tags: kv(FULL_TAGS) }, provider: nativeProvider() }));
        expect(r.mandatory).toEqual([expect.stringMatching(/^The EBS volumes of this instance would be unattributable: an instance's tags reach its volumes only with `propagateTagsToVolumeOnCreation: true`/)]);
        expect(byLevel(await analyze(policy, { type: INSTANCE, props: { tags: kv(FULL_TAGS), propagateTagsToVolumeOnCreation: UNKNOWN }, provider: nativeProvider() })).advisory).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    test("a spot fleet's launch specifications tag their instances", async () => {
        const fleet = (tags: Record<string, string>) => ({ type: SPOT_FLEET, props: { spotFleetRequestConfigData: { launchSpecifications: [{ instanceType: "g5.xlarge", tagSpecifications: [{ resourceType: "instance", tags: kv(tags) }] }, { instanceType: "g5.2xlarge" }] } }, provider: nativeProvider() });
        const r = byLevel(await analyze(policy, fleet(without(FULL_TAGS, "team"))));
        expect(r.mandatory).toEqual([expect.stringMatching(/^Instances of this fleet would be unattributable: `spotFleetRequestConfigData\.launchSpecifications\[0\]\.tagSpecifications` \(`instance`\) lacks `team`; `spotFleetRequestConfigData\.launchSpecifications\[1\]\.tagSpecifications` has no tag specification for `instance`\./)]);
    });

    test("a Batch compute environment's instances get computeResources.tags, not the environment's tags", async () => {
        const r = byLevel(await analyze(policy, { type: BATCH, props: { tags: FULL_TAGS, computeResources: { type: "EC2", maxvCpus: 64 } }, provider: nativeProvider() }));
        expect(r.mandatory).toEqual([expect.stringMatching(/`computeResources\.tags` lacks .* Set `computeResources\.tags` to the tag set/)]);
        expect(byLevel(await analyze(policy, { type: BATCH, props: { tags: FULL_TAGS, computeResources: { type: "FARGATE", maxvCpus: 64 } }, provider: nativeProvider() })).mandatory).toEqual([]);
    });
});

describe("SageMaker HyperPod clusters", () => {
    const policy = costReachesTaggedResourcePolicy();
    const groups = [
        { instanceGroupName: "controller", instanceType: "ml.m5.xlarge", instanceCount: 1, executionRole: "arn:aws:iam::123456789012:role/hp" },
        { instanceGroupName: "workers", instanceType: "ml.p5.48xlarge", instanceCount: 4, executionRole: "arn:aws:iam::123456789012:role/hp", instanceStorageConfigs: [{ ebsVolumeConfig: { volumeSizeInGb: 500 } }] },
    ];

    test("a tagged cluster passes: its instance groups' compute and volumes are billed to it", async () => {
        expect(byLevel(await analyze(policy, { type: HYPERPOD, props: { tags: kv(FULL_TAGS), instanceGroups: groups }, provider: nativeProvider() }))).toEqual({ mandatory: [], advisory: [], notApplicable: [] });
        expect(byLevel(await analyze(policy, { type: HYPERPOD, props: { instanceGroups: groups }, provider: nativeProvider(FULL_TAGS) })).mandatory).toEqual([]);
    });

    test("an untagged cluster: the message names the instance groups whose cost lands unattributed", async () => {
        const r = byLevel(await analyze(policy, { type: HYPERPOD, props: { tags: kv({ Name: "llm-pretrain" }), instanceGroups: groups }, provider: nativeProvider() }));
        expect(r.mandatory).toEqual([expect.stringMatching(/^The instances of its instance groups `controller` \(1 × ml\.m5\.xlarge\), `workers` \(4 × ml\.p5\.48xlarge\) and their EBS volumes are billed to this HyperPod cluster itself \(SageMaker usage `Cluster:ml\.\*` on its ARN\), and no other tags reach them: without `cost_center`, .*`team` on the cluster's `tags`, that cost lands unattributed\./)]);
        const required = byLevel(await analyze(requiredTagsPolicy(), { type: HYPERPOD, props: { instanceGroups: groups }, provider: nativeProvider() }));
        expect(required.mandatory).toEqual([expect.stringMatching(/^Missing required tags: .* \(looked at tags\)\. The default aws-native provider sets no default tags/)]);
    });

    test("training plans and the FSx file system of a restricted instance group are billed elsewhere: said, as advice", async () => {
        const r = byLevel(await analyze(policy, {
            type: HYPERPOD,
            props: {
                tags: kv(FULL_TAGS),
                instanceGroups: [{ ...groups[1], trainingPlanArn: "arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5-q1" }],
                restrictedInstanceGroups: [{ instanceGroupName: "nova", instanceType: "ml.p5.48xlarge", instanceCount: 2, executionRole: "r", environmentConfig: { fSxLustreConfig: { sizeInGiB: 1200, perUnitStorageThroughput: 250 } } }],
            },
            provider: nativeProvider(),
        }));
        expect(r.mandatory).toEqual([]);
        expect(r.advisory).toEqual([
            expect.stringMatching(/^Instance group `workers` \(4 × ml\.p5\.48xlarge\) runs on a SageMaker training plan: the plan's upfront fee is billed to the training plan/),
            expect.stringMatching(/^Restricted instance group `nova` \(2 × ml\.p5\.48xlarge\) has HyperPod create an FSx for Lustre file system: Amazon FSx bills it apart/),
        ]);
    });

    test("unknown tags at preview defer to the outputs", async () => {
        const r = byLevel(await analyze(policy, { type: HYPERPOD, props: { tags: UNKNOWN, instanceGroups: groups }, outputs: { tags: kv(FULL_TAGS), instanceGroups: groups }, provider: nativeProvider() }));
        expect(r.mandatory).toEqual([]);
    });
});

describe("fill-derivable-tags writes a Cloud Control list", () => {
    test("managed_by is appended as { key, value }, the program's entries kept", async () => {
        const { inputs, changed } = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: { tags: kv(without(FULL_TAGS, "managed_by")) }, provider: nativeProvider() });
        expect(changed).toBe(true);
        expect(inputs.tags).toEqual([...kv(without(FULL_TAGS, "managed_by")), { key: "managed_by", value: "pulumi" }]);
    });
});
