import { costReachesTaggedResourcePolicy } from "../../policies/cost-reaches-tagged-resource";
import { analyze, analyzeStack, byLevel, toAnalyzed, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, asgTags, awsProvider, inDays, without } from "../fixtures";

const ASG = "aws:autoscaling/group:Group";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const INSTANCE = "aws:ec2/instance:Instance";
const DOMAIN = "aws:sagemaker/domain:Domain";
const BATCH = "aws:batch/computeEnvironment:ComputeEnvironment";
const specs = (types: string[], tags: Record<string, string> = FULL_TAGS) => types.map((resourceType) => ({ resourceType, tags }));
const GOOD_LT: ResourceCase = { type: LT, name: "gpu-lt", props: { tags: FULL_TAGS, tagSpecifications: specs(["instance", "volume", "network-interface"]) }, outputs: { id: "lt-0abc", name: "gpu-lt-123", tagSpecifications: specs(["instance", "volume"]) } };
const BAD_LT: ResourceCase = { type: LT, name: "cpu-lt", props: { tagSpecifications: specs(["instance"]) }, outputs: { id: "lt-0bad", tagSpecifications: specs(["instance"]) } };

interface Case {
    name: string;
    resource: ResourceCase;
    violation?: RegExp;
    advisory?: RegExp;
    notApplicable?: RegExp;
}

const cases: Case[] = [
    { name: "ASG propagating every key at launch", resource: { type: ASG, props: { tags: asgTags(FULL_TAGS) } }, advisory: /an autoscaling group's tags never reach EBS volumes/ },
    { name: "ASG that does not propagate some keys", resource: { type: ASG, props: { tags: [...asgTags(without(FULL_TAGS, "team", "model_id")), ...asgTags({ team: "fraud", model_id: "m" }, false)] } }, violation: /would not carry `model_id`, `team`: list each required key in `tags` with `propagateAtLaunch: true`/ },
    { name: "ASG whose propagateAtLaunch arrives as text", resource: { type: ASG, props: { tags: Object.entries(FULL_TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: "true" })) } }, advisory: /never reach EBS volumes/ },
    { name: "ASG without tags or launch template", resource: { type: ASG, props: {} }, violation: /would not carry `cost_center`, `created_by`/ },
    { name: "ASG from a launch template: judged in the stack half", resource: { type: ASG, props: { launchTemplate: { id: UNKNOWN, version: "$Latest" } } } },
    { name: "ASG with a mixed-instances launch template: judged in the stack half", resource: { type: ASG, props: { mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: UNKNOWN } } } } } },
    { name: "ASG tags unknown at preview", resource: { type: ASG, props: { tags: UNKNOWN } } },
    { name: "launch template tagging instances and volumes", resource: GOOD_LT },
    { name: "launch template without a volume specification", resource: { type: LT, props: { tagSpecifications: specs(["instance"]) } }, violation: /no tag specification for `volume`/ },
    { name: "launch template whose instance tags lack keys", resource: { type: LT, props: { tagSpecifications: [...specs(["volume"]), { resourceType: "instance", tags: without(FULL_TAGS, "team") }] } }, violation: /`instance` tags lack `team`/ },
    { name: "provider default tags do not reach tag specifications", resource: { type: LT, props: {}, provider: awsProvider(FULL_TAGS) }, violation: /no tag specification for `instance`; no tag specification for `volume`/ },
    { name: "launch template specifications unknown at preview", resource: { type: LT, props: { tagSpecifications: UNKNOWN } }, advisory: /unknown during preview/ },
    { name: "one specification's tags unknown", resource: { type: LT, props: { tagSpecifications: [...specs(["volume"]), { resourceType: "instance", tags: UNKNOWN }] } }, advisory: /unknown during preview/ },
    { name: "EKS node group without a launch template", resource: { type: NODE_GROUP, props: { tags: FULL_TAGS } }, violation: /its own tags never reach them \(AWS by design\)/ },
    { name: "EKS node group with a launch template: judged in the stack half", resource: { type: NODE_GROUP, props: { tags: FULL_TAGS, launchTemplate: { id: UNKNOWN, version: "1" } } } },
    { name: "instance with volumeTags", resource: { type: INSTANCE, props: { tags: FULL_TAGS, volumeTags: FULL_TAGS } } },
    { name: "instance whose volumes get provider default tags", resource: { type: INSTANCE, props: {}, provider: awsProvider(FULL_TAGS) } },
    { name: "volumeTags complete the defaults", resource: { type: INSTANCE, props: { volumeTags: { team: "fraud" } }, provider: awsProvider(without(FULL_TAGS, "team")) } },
    { name: "instance tags alone do not reach volumes", resource: { type: INSTANCE, props: { tags: FULL_TAGS } }, violation: /EBS volumes of this instance would be unattributable .*`rootBlockDevice\.tags` lacks `cost_center`/ },
    {
        name: "block-device tags: root complete, one data volume lacking",
        resource: { type: INSTANCE, props: { rootBlockDevice: { tags: FULL_TAGS }, ebsBlockDevices: [{ deviceName: "/dev/sdf", tags: FULL_TAGS }, { deviceName: "/dev/sdg", tags: without(FULL_TAGS, "project") }] } },
        violation: /`ebsBlockDevices\[1\]\.tags` lacks `project`/,
    },
    {
        name: "a data volume listed without tags is a volume too",
        resource: { type: INSTANCE, props: { rootBlockDevice: { tags: FULL_TAGS }, ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 500 }] } },
        violation: /`ebsBlockDevices\[0\]\.tags` lacks `cost_center`/,
    },
    { name: "a data volume without tags gets the provider's default tags", resource: { type: INSTANCE, props: { ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }, provider: awsProvider(FULL_TAGS) } },
    { name: "volume tags unknown at preview", resource: { type: INSTANCE, props: { volumeTags: UNKNOWN } }, advisory: /Volume tags are unknown during preview/ },
    { name: "default tags unknown at preview", resource: { type: INSTANCE, props: {}, provider: awsProvider(UNKNOWN) }, advisory: /Volume tags are unknown during preview/ },
    { name: "spot instance requests are instances too", resource: { type: "aws:ec2/spotInstanceRequest:SpotInstanceRequest", props: { tags: FULL_TAGS } }, violation: /EBS volumes of this instance/ },
    { name: "spot fleet launch specifications lacking tags", resource: { type: "aws:ec2/spotFleetRequest:SpotFleetRequest", props: { launchSpecifications: [{ tags: FULL_TAGS }, { tags: without(FULL_TAGS, "team") }] } }, violation: /launchSpecifications\[1\]\.tags` lacks `team`/ },
    {
        name: "a spot fleet whose only untagged specification has no tags at all",
        resource: { type: "aws:ec2/spotFleetRequest:SpotFleetRequest", props: { launchSpecifications: [{ instanceType: "p3.2xlarge" }, { tags: FULL_TAGS }] } },
        violation: /^Instances of this fleet would be unattributable: `launchSpecifications\[0\]\.tags` lacks `cost_center`/,
    },
    // A specification without tags launches untagged instances; the one after it keeps its own index.
    {
        name: "a spot fleet launch specification without tags",
        resource: { type: "aws:ec2/spotFleetRequest:SpotFleetRequest", props: { launchSpecifications: [{ instanceType: "p3.2xlarge" }, { tags: without(FULL_TAGS, "team") }] } },
        violation: /^Instances of this fleet would be unattributable: `launchSpecifications\[0\]\.tags` lacks `cost_center`, .*`team`; `launchSpecifications\[1\]\.tags` lacks `team`\.$/,
    },
    // AWS Batch: only `computeResources.tags` reach the instances; the environment's own tags and default tags never do.
    {
        name: "Batch EC2 compute environment tagged only on itself (and by default tags)",
        resource: { type: BATCH, props: { tags: FULL_TAGS, computeResources: { type: "EC2", maxVcpus: 64, instanceTypes: ["p3.2xlarge"] } }, provider: awsProvider(FULL_TAGS) },
        violation: /^Instances of this compute environment would be unattributable: `computeResources\.tags` lacks `cost_center`, .*`team`\. Set `computeResources\.tags` to the tag set/,
    },
    { name: "Batch spot compute environment missing a key on its instances", resource: { type: BATCH, props: { computeResources: { type: "SPOT", tags: without(FULL_TAGS, "model_id") } } }, violation: /`computeResources\.tags` lacks `model_id`\./ },
    { name: "Batch compute environment tagging its instances", resource: { type: BATCH, props: { computeResources: { type: "SPOT", tags: FULL_TAGS } } } },
    { name: "Batch on Fargate launches no instances", resource: { type: BATCH, props: { tags: FULL_TAGS, computeResources: { type: "FARGATE_SPOT", maxVcpus: 16 } } } },
    { name: "an unmanaged Batch compute environment launches no instances", resource: { type: BATCH, props: { tags: FULL_TAGS, type: "UNMANAGED" } } },
    { name: "Batch compute type unknown at preview", resource: { type: BATCH, props: { computeResources: { type: UNKNOWN } } }, advisory: /`computeResources` is unknown during preview/ },
    { name: "Batch instance tags unknown at preview", resource: { type: BATCH, props: { computeResources: { type: "EC2", tags: UNKNOWN } } }, advisory: /The tags of the compute environment's instances are unknown during preview/ },
    { name: "Batch from a launch template: judged in the stack half", resource: { type: BATCH, props: { computeResources: { type: "EC2", launchTemplate: { launchTemplateId: UNKNOWN } } } } },
    { name: "SageMaker domain with tag propagation", resource: { type: DOMAIN, props: { tags: FULL_TAGS, tagPropagation: "ENABLED" } } },
    { name: "SageMaker domain without tag propagation", resource: { type: DOMAIN, props: { tags: FULL_TAGS } }, violation: /set `tagPropagation: "ENABLED"`/ },
    { name: "SageMaker domain with tag propagation unknown", resource: { type: DOMAIN, props: { tagPropagation: UNKNOWN } }, advisory: /`tagPropagation` is unknown/ },
    { name: "an S3 bucket has nothing to propagate: it passes quietly", resource: { type: "aws:s3/bucketV2:BucketV2", props: {} } },
    { name: "wrong-typed specifications", resource: { type: LT, props: { tagSpecifications: "instance" } }, violation: /`tagSpecifications` is a string, expected a list/ },
    // Node pools of a shared EKS cluster: their `spec.tags` alone tag the GPU instances and volumes they launch.
    ...["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"].flatMap((type): Case[] => [
        { name: `${type} with the full set in spec.tags (model_id shared)`, resource: nodeClass(type, { ...FULL_TAGS, model_id: "shared" }) },
        {
            name: `${type} without spec.tags`, resource: nodeClass(type, undefined),
            violation: /^The EC2 instances and volumes this EC2NodeClass launches would be unattributable: `spec\.tags` lacks `cost_center`, .*`team`\. Karpenter applies `spec\.tags` to the instances, volumes and launch templates it creates/,
        },
    ]),
    { name: "an EC2NodeClass missing one key", resource: nodeClass("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", without(FULL_TAGS, "cost_center")), violation: /`spec\.tags` lacks `cost_center`\./ },
    { name: "an EC2NodeClass whose tags are unknown at preview", resource: nodeClass("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", UNKNOWN), advisory: /`spec\.tags` is unknown during preview/ },
    { name: "an EKS Auto Mode NodeClass without the set", resource: nodeClass("kubernetes:eks.amazonaws.com/v1:NodeClass", { team: "platform" }), violation: /this NodeClass launches would be unattributable: .*EKS Auto Mode applies `spec\.tags` to the instances, root volumes and network interfaces/ },
    { name: "a Karpenter NodePool carries no tags (its node class does)", resource: { type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: { template: { metadata: { labels: { team: "x" } } } } } }, notApplicable: /not a resource type tagguard knows/ },
];

function nodeClass(type: string, tags: unknown): ResourceCase {
    return { type, props: { apiVersion: type.split(":")[1], kind: type.split(":")[2], metadata: { name: "gpu" }, spec: { role: "KarpenterNodeRole", amiSelectorTerms: [{ alias: "al2023@latest" }], ...(tags === undefined ? {} : { tags }) } } as ResourceCase["props"] };
}

describe("cost-reaches-tagged-resource (served by the SDK)", () => {
    test.each(cases)("$name", async (c) => {
        const r = byLevel(await analyze(costReachesTaggedResourcePolicy(), c.resource));
        expect(r.mandatory).toEqual(c.violation ? [expect.stringMatching(c.violation)] : []);
        expect(r.advisory).toEqual(c.advisory ? [expect.stringMatching(c.advisory)] : []);
        expect(r.notApplicable).toEqual(c.notApplicable ? [expect.stringMatching(c.notApplicable)] : []);
    });

    test("an expired exemption's note stays on the resource it names: resources passing after it get none", async () => {
        // Every passing check returns the same result object; a note added to it once reached every later resource.
        const policy = costReachesTaggedResourcePolicy();
        const options = { config: { exemptions: [{ name: "legacy-*", reason: "migrated by INFRA-212 this quarter", expires: inDays(-1) }] } };
        const passing = (name: string): ResourceCase => ({ type: INSTANCE, name, props: { tags: FULL_TAGS, volumeTags: FULL_TAGS } });
        const results = [];
        for (const name of ["legacy-trainer", "trainer", "legacy-trainer", "evaluator"]) results.push(byLevel(await analyze(policy, passing(name), options)));
        expect(results.map((r) => r.advisory)).toEqual([[expect.stringMatching(/^exemption expired on .*: migrated by INFRA-212/)], [], [expect.stringMatching(/^exemption expired on/)], []]);
        expect(results.flatMap((r) => r.mandatory)).toEqual([]);
    });

    /** Analyze every resource (as the engine does), then AnalyzeStack; returns the stack diagnostics. */
    async function preview(resources: ResourceCase[]) {
        const policy = costReachesTaggedResourcePolicy();
        for (const r of resources) await analyze(policy, r);
        return (await analyzeStack(policy, resources)).diagnostics;
    }

    const dependsOn = (property: string, target: ResourceCase) => ({ propertyDependencies: { [property]: [toAnalyzed(target).urn] }, dependencies: [toAnalyzed(target).urn] });

    test("stack half: a node group's launch template tags instances and volumes", async () => {
        const nodeGroup: ResourceCase = { type: NODE_GROUP, name: "gpu", props: { launchTemplate: { id: UNKNOWN } }, ...dependsOn("launchTemplate", GOOD_LT) };
        expect(await preview([GOOD_LT, nodeGroup])).toEqual([]);
    });

    test("stack half: an ASG launching from a template that does not tag volumes", async () => {
        const asg: ResourceCase = { type: ASG, name: "trainers", props: { launchTemplate: { id: UNKNOWN } }, ...dependsOn("launchTemplate", BAD_LT) };
        const diags = await preview([BAD_LT, asg]);
        // The template itself was reported when it was analyzed; the stack half adds the group.
        expect(diags.map((d) => [d.urn, d.enforcementLevel])).toEqual([[toAnalyzed(asg).urn, "mandatory"]]);
        expect(diags[0].message).toMatch(/This autoscaling group launches from launch template `cpu-lt`.*no tag specification for `volume`/);
    });

    test("stack half: a template found by id when the dependency is not recorded", async () => {
        const nodeGroup: ResourceCase = { type: NODE_GROUP, name: "gpu", props: { launchTemplate: { id: "lt-0bad" } } };
        const diags = await preview([BAD_LT, nodeGroup]);
        expect(diags.filter((d) => d.urn === toAnalyzed(nodeGroup).urn).map((d) => d.message)).toEqual([expect.stringMatching(/This node group launches from launch template `cpu-lt`/)]);
    });

    test("stack half: a template outside the stack cannot be verified", async () => {
        const nodeGroup: ResourceCase = { type: NODE_GROUP, name: "gpu", props: { launchTemplate: { name: "shared-gpu-template" } } };
        const diags = await preview([nodeGroup]);
        expect(diags.map((d) => [d.enforcementLevel, d.message])).toEqual([["advisory", expect.stringMatching(/that tagguard cannot find in this stack, so it cannot verify/)]]);
    });

    test("stack half: a fleet with one config per subnet from the same template gets one finding, one per distinct template", async () => {
        const OTHER_BAD_LT: ResourceCase = { ...BAD_LT, name: "gpu-lt", outputs: { ...BAD_LT.outputs, id: "lt-0other" } };
        const config = (id: string, subnet: string) => ({ launchTemplateSpecification: { id, version: "$Latest" }, overrides: [{ subnetId: subnet }] });
        const fleet: ResourceCase = {
            type: "aws:ec2/spotFleetRequest:SpotFleetRequest", name: "agents",
            props: { tags: FULL_TAGS, launchTemplateConfigs: [config("lt-0bad", "subnet-a"), config("lt-0bad", "subnet-b"), config("lt-0other", "subnet-a"), config("lt-0other", "subnet-b")] },
        };
        const diags = await preview([BAD_LT, OTHER_BAD_LT, fleet]);
        expect(diags.filter((d) => d.urn === toAnalyzed(fleet).urn).map((d) => d.message)).toEqual([
            expect.stringMatching(/^This fleet launches from launch template `cpu-lt`/), expect.stringMatching(/^This fleet launches from launch template `gpu-lt`/),
        ]);
    });

    test("stack half: unknown ASG tags at preview are judged from outputs", async () => {
        const asg: ResourceCase = { type: ASG, name: "late", props: { tags: UNKNOWN }, outputs: { tags: asgTags(FULL_TAGS, false) } };
        const diags = await preview([asg]);
        expect(diags.map((d) => d.message)).toEqual([expect.stringMatching(/would not carry `cost_center`/)]);
    });
});
