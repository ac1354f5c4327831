/**
 * aws-tag-limits follows each service's own API reference: what the API refuses is mandatory (the apply
 * would fail), characters outside AWS's cross-service guidance on a service that accepts them are advice.
 */
import { awsTagLimitsPolicy } from "../../policies/aws-tag-limits";
import { analyze, byLevel, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, awsProvider, secret } from "../fixtures";

const BUCKET = "aws:s3/bucket:Bucket";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const VOLUME = "aws:ebs/volume:Volume";
const MODEL = "aws:sagemaker/model:Model";
const CLUSTER = "aws:eks/cluster:Cluster";
const MSK = "aws:msk/cluster:Cluster";
const ASG = "aws:autoscaling/group:Group";
const many = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
const tagged = (type: string, tags: unknown, extra: Record<string, unknown> = {}): ResourceCase => ({ type, props: { tags, ...extra } });

interface Case {
    name: string;
    resource: ResourceCase;
    /** Patterns the one mandatory message must match; none means no mandatory finding. */
    refused?: RegExp[];
    /** Patterns the one advisory message must match; none means no advisory finding. */
    advised?: RegExp[];
}

const cases: Case[] = [
    { name: "a normal tag set", resource: tagged(BUCKET, FULL_TAGS) },
    { name: "unicode letters and the portable punctuation", resource: tagged(MODEL, { "équipe:Zürich": "a+b-c=d.e_f:g/h@i j" }) },
    // Lengths, per service.
    { name: "S3: a 128-character key and a 256-character value", resource: tagged(BUCKET, { ["k".repeat(128)]: "v".repeat(256) }) },
    { name: "S3: a 129-character key", resource: tagged(BUCKET, { ["k".repeat(129)]: "v" }), refused: [/key is 129 characters; S3 allows 1 to 128/, /`k{64}\.\.\. \(129 characters\)`/] },
    { name: "EC2: keys are limited to 127 characters", resource: tagged(SECURITY_GROUP, { ["k".repeat(128)]: "v" }), refused: [/key is 128 characters; EC2 allows 1 to 127/] },
    { name: "EC2: a 127-character key is fine", resource: tagged(SECURITY_GROUP, { ["k".repeat(127)]: "v" }) },
    { name: "EBS follows the EC2 API", resource: tagged(VOLUME, { ["k".repeat(128)]: "v" }), refused: [/EC2 allows 1 to 127/] },
    { name: "a 257-character value", resource: tagged(BUCKET, { team: "v".repeat(257) }), refused: [/`team`: value is 257 characters; S3 allows at most 256/] },
    { name: "length counts code points, not UTF-16 units: 256 astral letters fit", resource: tagged(BUCKET, { team: "𝔣".repeat(256) }) },
    { name: "257 astral letters do not", resource: tagged(BUCKET, { team: "𝔣".repeat(257) }), refused: [/value is 257 characters/] },
    { name: "an empty key", resource: tagged(BUCKET, { "": "v" }), refused: [/key is 0 characters/] },
    // Characters: enforced only where the API says so.
    { name: "EC2 accepts any characters (a real program's security group Name): advice only", resource: tagged(SECURITY_GROUP, { ...FULL_TAGS, Name: "allow ssh,http,https" }), advised: [/tags `Name`: value contains "," outside AWS's cross-service guidance.*EC2 accepts it/] },
    { name: "S3 states no character rule: advice only", resource: tagged(BUCKET, { team: "fraud#1!" }), advised: [/`team`: value contains "#", "!" outside/] },
    { name: "EKS states no character rule: advice only", resource: tagged(CLUSTER, { note: "a,b" }), advised: [/EKS accepts it/] },
    { name: "MSK states no character rule: advice only", resource: tagged(MSK, { note: "a;b" }), advised: [/MSK accepts it/] },
    { name: "SageMaker refuses characters outside its pattern", resource: tagged(MODEL, { team: "fraud#1!" }), refused: [/`team`: value contains "#", "!" that SageMaker refuses; it allows letters, digits, spaces and \+ - = \. _ : \/ @/] },
    { name: "SageMaker refuses them in keys too", resource: tagged(MODEL, { "cost,center": "x" }), refused: [/key contains "," that SageMaker refuses/] },
    { name: "Auto Scaling accepts commas (advice) ...", resource: { type: ASG, props: { tags: [{ key: "Name", value: "a,b", propagateAtLaunch: true }] } }, advised: [/EC2 Auto Scaling accepts it/] },
    { name: "... but refuses control characters", resource: { type: ASG, props: { tags: [{ key: "Name", value: "a\u0007b", propagateAtLaunch: true }] } }, refused: [/value contains U\+0007 that EC2 Auto Scaling refuses/] },
    { name: "control characters are named by code point, never printed", resource: tagged(SECURITY_GROUP, { note: "x\u001b[2Jy\u202e" }), advised: [/value contains U\+001B, "\[", U\+202E outside/] },
    // What every service refuses.
    { name: "the aws: prefix is reserved, in any case", resource: tagged(BUCKET, { "AWS:createdBy": "x" }), refused: [/`AWS:createdBy`: keys starting with `aws:` are reserved/] },
    { name: "50 tags are allowed", resource: tagged(BUCKET, many(50)) },
    { name: "51 tags are refused", resource: tagged(BUCKET, many(51)), refused: [/51 tags; AWS allows at most 50/] },
    { name: "reserved keys do not count toward the limit", resource: tagged(BUCKET, { ...many(50), "aws:x": "1" }), refused: [/keys starting with `aws:` are reserved/] },
    { name: "default tags count toward the limit", resource: { ...tagged(BUCKET, many(45)), provider: awsProvider(FULL_TAGS) }, refused: [/53 tags; AWS allows at most 50/] },
    { name: "unknown values are not measured", resource: tagged(BUCKET, { team: UNKNOWN }) },
    { name: "a whole unknown map", resource: tagged(BUCKET, UNKNOWN) },
    // Secrets.
    { name: "a secret value's bad characters are not shown", resource: tagged(MODEL, { team: secret("p@ss{word}") }), refused: [/`team`: value contains characters that SageMaker refuses/] },
    { name: "a secret value too long is reported without the value", resource: tagged(BUCKET, { team: secret("s".repeat(300)) }), refused: [/`team`: value is 300 characters/] },
    { name: "keys of a wholly secret map are never named", resource: tagged(MODEL, secret({ "hidden,key": "v" })), refused: [/tags a secret key: key contains characters that SageMaker refuses/] },
    // The provider's Check copies a secret map's keys into `tagsAll`, which may arrive in the clear: they stay hidden.
    {
        name: "a wholly secret tags map whose keys tagsAll holds in the clear: never named",
        resource: tagged(MODEL, secret({ "hidden,key": "v" }), { tagsAll: { "hidden,key": secret("v") } }),
        refused: [/^Tags AWS would refuse: tagsAll a secret key: key contains characters that SageMaker refuses/],
    },
    {
        name: "a wholly secret tags map beside plain default tags in tagsAll: only the secret map's keys are hidden",
        resource: { ...tagged(BUCKET, secret({ "Secret Key": "x".repeat(300) }), { tagsAll: { "Secret Key": secret("x".repeat(300)), "aws:plain": "1" } }), provider: awsProvider({ "aws:plain": "1" }) },
        refused: [/tagsAll `aws:plain`: keys starting with `aws:` are reserved/, /tagsAll a secret key: value is 300 characters/],
    },
    {
        name: "secret provider default tags copied into tagsAll in the clear: never named",
        resource: { ...tagged(MODEL, FULL_TAGS, { tagsAll: { ...FULL_TAGS, "hidden,key": "v" } }), provider: { type: "pulumi:providers:aws", props: { defaultTags: secret(JSON.stringify({ tags: { "hidden,key": "v" } })) } } },
        refused: [/^Tags AWS would refuse: tagsAll a secret key: key contains characters that SageMaker refuses/],
    },
    {
        name: "secret provider default tags (JSON text, as the engine sends them) hide keys and values",
        resource: { ...tagged(MODEL, FULL_TAGS), provider: { type: "pulumi:providers:aws", props: { defaultTags: secret(JSON.stringify({ tags: { "hidden,key": "p@ss{word}" } })) } } },
        refused: [/a secret key: key contains characters .*a secret key: value contains characters/],
    },
    // Carriers are EC2 resources.
    {
        name: "instance volume tags are checked too",
        resource: tagged("aws:ec2/instance:Instance", FULL_TAGS, { volumeTags: { "aws:x": "1" } }),
        refused: [/`volumeTags` `aws:x`: keys starting with `aws:` are reserved/],
    },
    {
        // Devices without tags still count for their place in the list: the message names the device that has the problem.
        name: "a block device's tags are named by the device's index",
        resource: tagged("aws:ec2/instance:Instance", FULL_TAGS, { ebsBlockDevices: [{ deviceName: "/dev/sdf" }, { deviceName: "/dev/sdg", tags: null }, { deviceName: "/dev/sdh", tags: { "aws:x": "1" } }] }),
        refused: [/^Tags AWS would refuse: `ebsBlockDevices\[2\]\.tags` `aws:x`: keys starting with `aws:` are reserved for AWS and cannot be set\.$/],
    },
    {
        name: "a Karpenter node class's spec.tags are checked by the EC2 rules (they tag instances)",
        resource: { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: { metadata: { name: "gpu" }, spec: { tags: { ...FULL_TAGS, "aws:eks:cluster-name": "ml" } } } },
        refused: [/^Tags AWS would refuse: `spec\.tags` `aws:eks:cluster-name`: keys starting with `aws:` are reserved/],
    },
    {
        name: "launch-template tag specifications are checked by the EC2 rules",
        resource: tagged("aws:ec2/launchTemplate:LaunchTemplate", FULL_TAGS, { tagSpecifications: [{ resourceType: "instance", tags: { ["k".repeat(128)]: "v" } }] }),
        refused: [/`tagSpecifications` \(instance\) `k+\.\.\. \(128 characters\)`: key is 128 characters; EC2 allows 1 to 127/],
    },
];

describe("aws-tag-limits (served by the SDK)", () => {
    test.each(cases)("$name", async (c) => {
        const result = byLevel(await analyze(awsTagLimitsPolicy(), c.resource));
        expect(result.mandatory).toHaveLength(c.refused ? 1 : 0);
        for (const re of c.refused ?? []) expect(result.mandatory[0]).toMatch(re);
        expect(result.advisory).toHaveLength(c.advised ? 1 : 0);
        for (const re of c.advised ?? []) expect(result.advisory[0]).toMatch(re);
        const all = [...result.mandatory, ...result.advisory].join("\n");
        expect(all).not.toMatch(/s{300}|x{300}|fraud#1!|p@ss|hidden|Secret Key/);
        expect(all).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    });

    test("S3 objects, checked when the config includes them: exactly 10 with defaults is allowed, 11 is not", async () => {
        const config = { excludeTypes: [] };
        const ten = byLevel(await analyze(awsTagLimitsPolicy(), { type: OBJECT, props: { tags: { a: "1", b: "2" } }, provider: awsProvider(FULL_TAGS) }, { config }));
        expect(ten.mandatory).toEqual([]);
        const eleven = byLevel(await analyze(awsTagLimitsPolicy(), { type: OBJECT, props: { tags: { a: "1", b: "2", c: "3" } }, provider: awsProvider(FULL_TAGS) }, { config }));
        expect(eleven.mandatory).toEqual([expect.stringMatching(/11 tags; AWS allows at most 10/)]);
    });
});
