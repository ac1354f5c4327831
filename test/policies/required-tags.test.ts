import { requiredTagsPolicy } from "../../policies/required-tags";
import { analyze, analyzeStack, byLevel, type ResourceCase, type ServeOptions } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, awsProvider, asgTags, inDays, secret, without } from "../fixtures";

const BUCKET = "aws:s3/bucketV2:BucketV2";
const INSTANCE = "aws:ec2/instance:Instance";
const ASG = "aws:autoscaling/group:Group";
const ALL_MISSING = "Missing required tags: `cost_center`, `created_by`, `environment`, `lifecycle_phase`, `managed_by`, `model_id`, `project`, `team`";

interface Case {
    name: string;
    resource: ResourceCase;
    options?: ServeOptions;
    /** Each mandatory diagnostic must match the pattern at the same position. */
    mandatory?: RegExp[];
    advisory?: RegExp[];
    notApplicable?: RegExp;
}

const cases: Case[] = [
    {
        name: "provider default tags that arrive as one secret (JSON text) count, and their keys are never named",
        resource: { type: BUCKET, props: {}, provider: { type: "pulumi:providers:aws", props: { defaultTags: secret(JSON.stringify({ tags: { ...without(FULL_TAGS, "team"), Team: "fraud" } })) } } },
        mandatory: [/^Missing required tags: `team` \(looked at provider defaultTags\)\. Found a secret key \(did you mean `team`\?\)/],
    },
    {
        name: "a wholly secret tags map on the resource: keys hidden too",
        resource: { type: BUCKET, props: { tags: secret({ Team: "fraud" }) }, provider: awsProvider(without(FULL_TAGS, "team")) },
        mandatory: [/Found a secret key \(did you mean `team`\?\)/],
    },
    { name: "tags only from provider default tags (JSON text, as the engine sends them)", resource: { type: BUCKET, props: {}, provider: awsProvider(FULL_TAGS) } },
    { name: "tags only from provider default tags (object form)", resource: { type: BUCKET, props: {}, provider: awsProvider(FULL_TAGS, "object") } },
    { name: "tags only on the resource", resource: { type: BUCKET, props: { tags: FULL_TAGS }, provider: awsProvider() } },
    { name: "resource tags complete what the defaults lack", resource: { type: BUCKET, props: { tags: { team: "fraud", model_id: "m1" } }, provider: awsProvider(without(FULL_TAGS, "team", "model_id")) } },
    {
        name: "resource tags override a default with an empty value",
        resource: { type: BUCKET, props: { tags: { team: "" } }, provider: awsProvider(FULL_TAGS) },
        mandatory: [/^Missing required tags: `team` \(looked at tags and provider defaultTags\)/],
    },
    { name: "no tags at all lists every key, sorted", resource: { type: INSTANCE, props: {}, provider: awsProvider() }, mandatory: [new RegExp(`^${ALL_MISSING.replace(/[()`]/g, ".")}`)] },
    { name: "tagsAll (post-Check inputs) is used when known", resource: { type: BUCKET, props: { tags: {}, tagsAll: FULL_TAGS }, provider: awsProvider() } },
    {
        name: "tagsAll empty means no tags, whatever the provider says",
        resource: { type: BUCKET, props: { tagsAll: {} }, provider: awsProvider(FULL_TAGS) },
        mandatory: [/^Missing required tags: .*\(looked at tagsAll\)/],
    },
    {
        name: "tagsAll unknown falls back to tags and defaults",
        resource: { type: BUCKET, props: { tags: { team: "fraud" }, tagsAll: UNKNOWN }, provider: awsProvider(without(FULL_TAGS, "team")) },
    },
    { name: "explicit provider with default tags", resource: { type: BUCKET, props: {}, provider: { ...awsProvider(FULL_TAGS), urn: "urn:pulumi:dev::ml::pulumi:providers:aws::us-west-2", name: "us-west-2" } } },
    {
        name: "a provider of another package contributes no default tags",
        resource: { type: BUCKET, props: {}, provider: { type: "pulumi:providers:kubernetes", props: { defaultTags: JSON.stringify({ tags: FULL_TAGS }) } } },
        mandatory: [/^Missing required tags: `cost_center`/],
    },
    {
        name: "provider ignoreTags removes a default key",
        resource: { type: BUCKET, props: {}, provider: awsProvider(FULL_TAGS, "json", { ignoreTags: JSON.stringify({ keys: ["team"], keyPrefixes: ["cost_"] }) }) },
        mandatory: [/^Missing required tags: `cost_center`, `team`/],
    },
    {
        name: "one unknown value counts as present and is verified at update",
        resource: { type: BUCKET, props: { tags: { ...FULL_TAGS, model_id: UNKNOWN } }, provider: awsProvider() },
        advisory: [/^Values of `model_id` are unknown during preview/],
    },
    {
        name: "the whole map unknown gets one advisory",
        resource: { type: BUCKET, props: { tags: UNKNOWN }, provider: awsProvider() },
        advisory: [/^`tags` cannot be known during preview/],
    },
    {
        name: "default tags unknown: keys not in tags may still come from them",
        resource: { type: BUCKET, props: { tags: { team: "fraud" } }, provider: awsProvider(UNKNOWN) },
        advisory: [/`cost_center`.* are not in `tags`; the provider's default tags are unknown/],
    },
    {
        name: "case mismatch and near misses get a hint",
        resource: { type: BUCKET, props: { tags: { ...without(FULL_TAGS, "team", "cost_center"), Team: "fraud", "cost-center": "cc-1" } }, provider: awsProvider() },
        mandatory: [/Missing required tags: `cost_center`, `team` \(looked at tags\)\. Found `cost-center` \(did you mean `cost_center`\?\), `Team` \(did you mean `team`\?\): keys are case-sensitive/],
    },
    { name: "CostCenter is a near miss too", resource: { type: BUCKET, props: { tags: { ...without(FULL_TAGS, "cost_center"), CostCenter: "cc-1" } } }, mandatory: [/did you mean `cost_center`/] },
    { name: "autoscaling group with the full list", resource: { type: ASG, props: { tags: asgTags(FULL_TAGS) }, provider: awsProvider() } },
    {
        name: "a secret autoscaling tag entry keeps its key hidden",
        resource: { type: ASG, props: { tags: [...asgTags(without(FULL_TAGS, "team")), secret({ key: "Team", value: "fraud", propagateAtLaunch: true })] }, provider: awsProvider() },
        mandatory: [/^Missing required tags: `team` \(looked at tags\)\. Found a secret key \(did you mean `team`\?\)/],
    },
    {
        name: "autoscaling groups never receive provider default tags",
        resource: { type: ASG, props: {}, provider: awsProvider(FULL_TAGS) },
        mandatory: [/^Missing required tags: .*Autoscaling groups never receive provider default tags/],
    },
    {
        name: "autoscaling list without propagation still carries the keys (propagation is another policy's)",
        resource: { type: ASG, props: { tags: asgTags(FULL_TAGS, false) } },
    },
    {
        name: "autoscaling group given a map",
        resource: { type: ASG, props: { tags: FULL_TAGS } },
        mandatory: [/^`tags` is a object, but autoscaling groups take a list/],
    },
    { name: "secret tag values are still tags", resource: { type: BUCKET, props: { tags: { ...FULL_TAGS, team: secret("fraud") } } } },
    { name: "a whole secret tags map", resource: { type: BUCKET, props: { tags: secret(FULL_TAGS) } } },
    { name: "tags as a string", resource: { type: BUCKET, props: { tags: "team=fraud" } }, mandatory: [/^`tags` is a string, but it must be a map of strings/] },
    { name: "tags as a number", resource: { type: BUCKET, props: { tags: 42 } }, mandatory: [/^`tags` is a number/] },
    { name: "tags as a list", resource: { type: BUCKET, props: { tags: [FULL_TAGS] } }, mandatory: [/^`tags` is a list/] },
    { name: "tag values that are not strings", resource: { type: BUCKET, props: { tags: { ...FULL_TAGS, team: 7, project: { a: 1 } } } }, mandatory: [/Not strings: `project`, `team`/] },
    { name: "null tags is no tags", resource: { type: BUCKET, props: { tags: null } }, mandatory: [/^Missing required tags: `cost_center`/] },
    ...[
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "aws:ebs/encryptionByDefault:EncryptionByDefault",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:sagemaker/device:Device",
        "aws:msk/configuration:Configuration",
        "aws:autoscaling/lifecycleHook:LifecycleHook",
    ].map((type): Case => ({ name: `untaggable ${type} is not applicable`, resource: { type, props: {} }, notApplicable: /takes no tags/ })),
    { name: "types outside the scope are not applicable", resource: { type: "aws:lambda/function:Function", props: {} }, notApplicable: /module lambda is out of scope/ },
    { name: "non-AWS types are not applicable", resource: { type: "kubernetes:core/v1:Namespace", props: {} }, notApplicable: /not a resource type tagguard knows/ },
    { name: "config widens the scope", resource: { type: "aws:lambda/function:Function", props: {} }, options: { config: { services: ["lambda"] } }, mandatory: [/^Missing required tags/] },
    { name: "config excludes a type", resource: { type: BUCKET, props: {} }, options: { config: { excludeTypes: [BUCKET] } }, notApplicable: /excluded by configuration/ },
    // S3 objects carry no cost of their own (S3 bills per bucket): out of the default scope, in again by config.
    ...["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"].flatMap((type): Case[] => [
        { name: `${type} is out of the default scope`, resource: { type, props: { tags: {} } }, notApplicable: /excluded by configuration/ },
        { name: `${type} is checked with excludeTypes: []`, resource: { type, props: { tags: {} } }, options: { config: { excludeTypes: [] } }, mandatory: [/^Missing required tags/] },
    ]),
    {
        name: "a type both included and excluded is a config error naming how to lift the default",
        resource: { type: "aws:s3/bucketObjectv2:BucketObjectv2", props: {} }, options: { config: { includeTypes: ["aws:s3/bucketObjectv2:BucketObjectv2"] } },
        mandatory: [/invalid configuration for policy 'required-tags':\n {2}- includeTypes\.0: "aws:s3\/bucketObjectv2:BucketObjectv2" is also in excludeTypes \(S3 objects are excluded by default\): to check it, set `excludeTypes` without it, such as `\[\]`/],
    },
    {
        name: "an exemption in force skips the resource with its reason",
        resource: { type: BUCKET, name: "legacy-logs", props: {} },
        options: { config: { exemptions: [{ name: "legacy-*", reason: "migrated by INFRA-212 this quarter", expires: inDays(10) }] } },
        notApplicable: /^exempt until .*: migrated by INFRA-212/,
    },
    {
        name: "an expired exemption stops applying and is reported",
        resource: { type: BUCKET, name: "legacy-logs", props: {} },
        options: { config: { exemptions: [{ name: "legacy-*", reason: "migrated by INFRA-212 this quarter", expires: inDays(-1) }] } },
        mandatory: [/^Missing required tags/],
        advisory: [/^exemption expired on .*: migrated by INFRA-212/],
    },
    {
        name: "a config mistake is a violation naming where it is",
        resource: { type: BUCKET, props: {} },
        options: { config: { exemptions: [{ name: "x", reason: "short", expires: "2026-13-01" }] } },
        mandatory: [/invalid configuration for policy 'required-tags':\n {2}- exemptions\.0\.reason: .*\n {2}- exemptions\.0\.expires: /],
    },
];

describe("required-tags (served by the SDK)", () => {
    test.each(cases)("$name", async (c) => {
        const result = byLevel(await analyze(requiredTagsPolicy(), c.resource, c.options));
        expect(result.mandatory).toHaveLength(c.mandatory?.length ?? 0);
        c.mandatory?.forEach((re, i) => expect(result.mandatory[i]).toMatch(re));
        expect(result.advisory).toHaveLength(c.advisory?.length ?? 0);
        c.advisory?.forEach((re, i) => expect(result.advisory[i]).toMatch(re));
        if (c.notApplicable) expect(result.notApplicable).toEqual([expect.stringMatching(c.notApplicable)]);
        else expect(result.notApplicable).toEqual([]);
    });

    test("the stack half checks from outputs what was unknown at preview, once", async () => {
        const policy = requiredTagsPolicy();
        const unknownAtPreview: ResourceCase = { type: BUCKET, name: "late", props: { tags: UNKNOWN }, outputs: { tags: { team: "fraud" }, tagsAll: { team: "fraud" } } };
        const judged: ResourceCase = { type: BUCKET, name: "early", props: {}, outputs: {} };
        await analyze(policy, unknownAtPreview);
        await analyze(policy, judged);
        const stack = byLevel(await analyzeStack(policy, [unknownAtPreview, judged]));
        expect(stack.mandatory).toEqual([expect.stringMatching(/^Missing required tags: `cost_center`.*\(looked at tagsAll\)/)]);
        const urns = (await analyzeStack(policy, [unknownAtPreview, judged])).diagnostics.map((d) => d.urn);
        expect(urns).toEqual(["urn:pulumi:dev::ml::aws:s3/bucketV2:BucketV2::late"]);
    });

    test("the stack half stays silent while outputs are still unknown", async () => {
        const policy = requiredTagsPolicy();
        const r: ResourceCase = { type: BUCKET, props: { tags: UNKNOWN } };
        await analyze(policy, r);
        expect((await analyzeStack(policy, [r])).diagnostics).toEqual([]);
    });

    test("advisories do not fail a mandatory policy", async () => {
        const r = await analyze(requiredTagsPolicy(), { type: BUCKET, props: { tags: UNKNOWN } });
        expect(r.diagnostics.every((d) => d.enforcementLevel === "advisory")).toBe(true);
    });
});

describe("advice that fits the resource's provider", () => {
    const bucket = (provider?: ResourceCase["provider"], tags: Record<string, string> = { model_id: "m-v1" }): ResourceCase => ({ type: "aws:s3/bucketV2:BucketV2", props: { tags }, provider });
    test.each([
        // The fix names the keys that are missing, never a fixed example of keys the resource may have.
        ["the default provider without default tags", bucket(awsProvider()), /The default AWS provider sets no default tags \(stack config `aws:defaultTags`\)\. Set them once .*in the stack file \(`aws:defaultTags: \{tags: \{cost_center: \.\.\., created_by: \.\.\., environment: \.\.\., lifecycle_phase: \.\.\., managed_by: \.\.\., project: \.\.\., team: \.\.\.\}\}` under `config:` in Pulumi\.<stack>\.yaml, or `pulumi config set --path 'aws:defaultTags\.tags\.cost_center' <value>` for each\)/],
        ["the default provider, one key missing", bucket(awsProvider(), without(FULL_TAGS, "cost_center")), /Missing required tags: `cost_center` .*Set it once .*`aws:defaultTags: \{tags: \{cost_center: \.\.\.\}\}` .*`pulumi config set --path 'aws:defaultTags\.tags\.cost_center' <value>`/],
        ["the default provider whose default tags lack keys", bucket(awsProvider(without(FULL_TAGS, "team", "model_id"))), /The default AWS provider's default tags \(stack config `aws:defaultTags`\) do not set them\./],
        ["an explicit provider without default tags", bucket({ ...awsProvider(), name: "west" }), /It uses provider `west`, whose `defaultTags` set none \(the default tags of other providers do not reach its resources\): add them to that provider's `defaultTags: \{tags: \{\.\.\.\}\}`, or set them on the resource's `tags`\./],
        ["an explicit provider whose default tags lack one key", bucket({ ...awsProvider(without(FULL_TAGS, "team")), name: "west" }, { model_id: "m-v1" }), /It uses provider `west`, whose `defaultTags` do not set them .*add it to that provider's/],
    ])("%s", async (_name, c, message) => {
        const r = byLevel(await analyze(requiredTagsPolicy(), c));
        expect(r.mandatory).toHaveLength(1);
        expect(r.mandatory[0]).toMatch(message);
        if (/explicit/.test(_name)) expect(r.mandatory[0]).not.toMatch(/pulumi config set/);
        // No key the resource has is offered as a fix.
        expect(r.mandatory[0]).not.toMatch(/tags: \{[^}]*model_id/);
    });
});
