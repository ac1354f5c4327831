/**
 * No policy throws, whatever the props: wrong types, null, huge maps, unknown sentinels, secret wrappers,
 * garbage provider config and config. An exception would abort the user's whole preview. And no
 * diagnostic ever contains a secret value.
 */
import fc from "fast-check";
import { createPolicies } from "../../policies/all";
import { REQUIRED_TAG_KEYS } from "../../tagset/vocabulary";
import { UNKNOWN_SENTINELS } from "../../tagset/values";
import { analyze, analyzeStack, remediate, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, secret } from "../fixtures";

const RUNS = Number(process.env.TAGGUARD_PROPERTY_RUNS ?? 10_000);
const SECRET_MARK = "S3CR3T";

const TYPES = [
    "aws:s3/bucketV2:BucketV2", "aws:ec2/instance:Instance", "aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:eks/nodeGroup:NodeGroup", "aws:sagemaker/domain:Domain", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:ec2/spotFleetRequest:SpotFleetRequest",
    "aws:msk/cluster:Cluster", "aws:s3/bucketPolicy:BucketPolicy", "aws:lambda/function:Function", "not-a-type",
];

const sentinel = fc.constantFrom(...UNKNOWN_SENTINELS);
const secretValue = fc.string({ maxLength: 8 }).map((s) => secret(`${SECRET_MARK}${s}`));
const leaf = fc.oneof(fc.string({ maxLength: 300 }), sentinel, secretValue, fc.integer(), fc.boolean(), fc.constant(null), fc.double());
const key = fc.oneof(fc.constantFrom(...REQUIRED_TAG_KEYS, "Team", "aws:x", "", "expires_at", "experiment_id", "tags", "tagsAll"), fc.string({ maxLength: 140 }));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(key, tie("v"), { maxKeys: 5 })),
})).v;
/** A map that arrived as one secret: its keys are secret too (they carry the mark, and may look like vocabulary: `S3CR3TTeam`). */
const secretMap = fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("Team", "team", "aws:x", "a,b", "\u001b[2J")).map((k) => `${SECRET_MARK}${k}`), leaf, { maxKeys: 6 }).map((m) => secret(m));
/** Text a terminal or a CI log would act on: control characters other than the line breaks messages use, bidi overrides. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hostile = fc.constantFrom("\u001b[31mred", "a\n::error::injected", "\u202eevil", "=HYPERLINK(\"x\")", "x\u0000y");
const tagMap = fc.oneof(fc.dictionary(fc.oneof(key, hostile), fc.oneof(leaf, hostile, fc.constantFrom(...Object.values(FULL_TAGS))), { maxKeys: 60 }), fc.constant(FULL_TAGS), value, secretMap);
const asgList = fc.array(fc.record({ key, value: leaf, propagateAtLaunch: fc.oneof(fc.boolean(), sentinel, leaf) }, { requiredKeys: [] }), { maxLength: 12 });
const tagSpecs = fc.array(fc.record({ resourceType: fc.oneof(fc.constantFrom("instance", "volume", "network-interface"), leaf), tags: tagMap }, { requiredKeys: [] }), { maxLength: 4 });
const props = fc.record({
    tags: fc.oneof(tagMap, asgList, sentinel, secretValue),
    tagsAll: fc.oneof(tagMap, sentinel),
    volumeTags: tagMap,
    rootBlockDevice: fc.oneof(fc.record({ tags: tagMap }), value),
    ebsBlockDevices: fc.oneof(fc.array(fc.record({ tags: tagMap }), { maxLength: 3 }), value),
    tagSpecifications: fc.oneof(tagSpecs, value),
    launchTemplate: fc.oneof(fc.record({ id: leaf, name: leaf }, { requiredKeys: [] }), value),
    launchSpecifications: value,
    mixedInstancesPolicy: value,
    tagPropagation: leaf,
    extra: value,
}, { requiredKeys: [] });
const provider = fc.option(fc.record({
    type: fc.constantFrom("pulumi:providers:aws", "pulumi:providers:aws-native"),
    props: fc.record({
        defaultTags: fc.oneof(tagMap.map((tags) => JSON.stringify({ tags })), fc.record({ tags: tagMap }), sentinel, fc.string(), value,
            secretMap.map((m) => secret(JSON.stringify({ tags: (m as { value: unknown }).value })))),
        ignoreTags: fc.oneof(fc.record({ keys: value, keyPrefixes: value }, { requiredKeys: [] }).map((x) => JSON.stringify(x)), value),
    }, { requiredKeys: [] }),
}), { nil: undefined });
const config = fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom("services", "exemptions", "allowedValues", "patterns", "expiryHorizonDays", "environment", "x"), value, { maxKeys: 3 }));
const resource: fc.Arbitrary<ResourceCase> = fc.record({ type: fc.constantFrom(...TYPES), props, provider, name: fc.string({ maxLength: 10 }) })
    .map((r) => ({ ...r, name: r.name || "r", props: r.props as Record<string, unknown> }));

const noSecret = (messages: string[]) => messages.every((m) => !m.includes(SECRET_MARK) && !CONTROL.test(m));

describe.each(createPolicies().map((p) => [p.name, p] as const))("%s never throws", (_name, policy) => {
    const all = policy as Parameters<typeof analyze>[0];
    if (typeof all.validateResource === "function") {
        test(`Analyze, ${RUNS} runs`, async () => {
            await fc.assert(fc.asyncProperty(resource, config, async (r, c) => {
                const result = await analyze(all, r, { config: c });
                return noSecret(result.diagnostics.map((d) => d.message));
            }), { numRuns: RUNS });
        });
    }
    if ("validateStack" in all && all.validateStack) {
        test(`AnalyzeStack, ${Math.ceil(RUNS / 10)} stacks`, async () => {
            await fc.assert(fc.asyncProperty(fc.array(resource, { maxLength: 10 }), config, async (rs, c) => {
                const result = await analyzeStack(all, rs.map((r, i) => ({ ...r, name: `${r.name}${i}`, outputs: r.props })), { config: c });
                return noSecret(result.diagnostics.map((d) => d.message));
            }), { numRuns: Math.ceil(RUNS / 10) });
        });
    }
    if (all.remediateResource) {
        test(`Remediate, ${RUNS} runs`, async () => {
            await fc.assert(fc.asyncProperty(resource, config, async (r, c) => {
                await remediate(all, r, { config: c });
                return true;
            }), { numRuns: RUNS });
        });
    }
});
