import { attributionCoveragePolicy } from "../../policies/attribution-coverage";
import { fillDerivableTagsPolicy } from "../../policies/fill-derivable-tags";
import { analyze, analyzeStack, byLevel, remediate, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, asgTags, awsProvider, inDays, secret, without } from "../fixtures";

const BUCKET = "aws:s3/bucketV2:BucketV2";
const INSTANCE = "aws:ec2/instance:Instance";

describe("attribution-coverage (stack, served by the SDK)", () => {
    const stack: ResourceCase[] = [
        { type: BUCKET, name: "features", props: {}, outputs: { tagsAll: { ...FULL_TAGS, team: "fraud" } } },
        { type: INSTANCE, name: "trainer", props: {}, outputs: { tagsAll: { ...FULL_TAGS, team: "platform", expires_at: inDays(3) } } },
        { type: INSTANCE, name: "orphan", props: {}, outputs: { tagsAll: without(FULL_TAGS, "team", "model_id") } },
        { type: BUCKET, name: "late", props: {}, outputs: { tags: UNKNOWN } },
        { type: BUCKET, name: "legacy-logs", props: {}, outputs: {} },
        { type: "aws:s3/bucketPolicy:BucketPolicy", name: "policy", props: {}, outputs: {} },
        { type: "aws:lambda/function:Function", name: "fn", props: {}, outputs: {} },
        { type: "aws:autoscaling/group:Group", name: "asg", props: {}, outputs: { tags: asgTags(FULL_TAGS) } },
    ];
    const config = { exemptions: [{ name: "legacy-*", reason: "deleted with the old data lake in Q1", expires: inDays(30) }, { type: "aws:sagemaker/*", reason: "SageMaker pilot ended last month", expires: inDays(-2) }] };

    test("one advisory summary with exact figures", async () => {
        const r = byLevel(await analyzeStack(attributionCoveragePolicy(), stack, { config }));
        expect(r.mandatory).toEqual([]);
        expect(r.advisory).toHaveLength(1);
        const lines = r.advisory[0].split("\n");
        expect(lines[0]).toBe("Attribution coverage: 3 of 5 resources in scope are attributable (60.0%); 1 not known until update; 1 exempt.");
        expect(lines).toContain("By service: autoscaling 1/1, ec2 1/2, s3 1/1");
        expect(lines).toContain("By team: (no team) 0/1, fraud 2/2, platform 1/1");
        expect(lines).toContain("  aws:ec2/instance:Instance orphan (missing model_id, team)");
        expect(lines).toContain(`  aws:ec2/instance:Instance trainer (expires_at ${inDays(3)})`);
        expect(lines).toContain(`Exemption in force until ${inDays(30)} (name legacy-*; 1 resources): deleted with the old data lake in Q1`);
        expect(lines).toContain(`Exemption expired on ${inDays(-2)} (type aws:sagemaker/*), no longer applied: SageMaker pilot ended last month`);
    });

    test("a config mistake is reported instead of a summary", async () => {
        const r = byLevel(await analyzeStack(attributionCoveragePolicy(), stack, { config: { expiringWithinDays: -1 } }));
        expect(r.advisory).toEqual([expect.stringMatching(/invalid configuration for policy 'attribution-coverage':\n {2}- expiringWithinDays:/)]);
    });
});

describe("fill-derivable-tags (remediation, served by the SDK)", () => {
    const config = { environment: "staging", createdBy: "automation" };

    test("adds managed_by, environment and created_by; keeps what the program set", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: { tags: { team: "fraud", environment: "production" } } }, { config });
        expect(r.changed).toBe(true);
        expect(r.inputs.tags).toEqual({ team: "fraud", environment: "production", managed_by: "pulumi", created_by: "automation" });
    });

    test("never invents team, model_id, cost_center or project", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: {} }, { config });
        expect(Object.keys(r.inputs.tags as object).sort()).toEqual(["created_by", "environment", "managed_by"]);
    });

    test("takes environment and created_by from stack tags when config has none", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: {} }, { stackTags: { environment: "development", created_by: "ci-bot" } });
        expect(r.inputs.tags).toEqual({ managed_by: "pulumi", environment: "development", created_by: "ci-bot" });
    });

    test("ignores a stack tag environment outside the vocabulary", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: {} }, { stackTags: { environment: "qa" } });
        expect(r.inputs.tags).toEqual({ managed_by: "pulumi" });
    });

    test("keeps tagsAll consistent so the checks that follow see the fill", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: { tags: {}, tagsAll: without(FULL_TAGS, "managed_by") } }, { config });
        expect(r.inputs.tagsAll).toEqual(FULL_TAGS);
    });

    test("does nothing when provider default tags already carry the keys", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: BUCKET, props: {}, provider: awsProvider(FULL_TAGS) }, { config });
        expect(r.changed).toBe(false);
    });

    test("autoscaling groups get list entries propagated at launch", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: "aws:autoscaling/group:Group", props: { tags: asgTags({ team: "fraud" }) } }, {});
        expect(r.inputs.tags).toEqual([...asgTags({ team: "fraud" }), { key: "managed_by", value: "pulumi", propagateAtLaunch: true }]);
    });

    test("keeps other secret inputs secret", async () => {
        const r = await remediate(fillDerivableTagsPolicy(), { type: INSTANCE, props: { userData: secret("#!/bin/bash"), tags: { team: "fraud" } } }, {});
        expect(r.inputs.userData).toEqual(secret("#!/bin/bash"));
        expect(r.inputs.tags).toEqual({ team: "fraud", managed_by: "pulumi" });
    });

    test("leaves unknown maps, untaggable types and exempt resources alone", async () => {
        const policy = fillDerivableTagsPolicy();
        expect((await remediate(policy, { type: BUCKET, props: { tags: UNKNOWN } })).changed).toBe(false);
        expect((await remediate(policy, { type: "aws:s3/bucketPolicy:BucketPolicy", props: {} })).changed).toBe(false);
        const exempt = { exemptions: [{ name: "keep", reason: "managed by another team's tooling", expires: inDays(5) }] };
        expect((await remediate(policy, { type: BUCKET, name: "keep", props: {} }, { config: exempt })).changed).toBe(false);
    });

    test("a config mistake is reported by Analyze", async () => {
        const r = byLevel(await analyze(fillDerivableTagsPolicy(), { type: BUCKET, props: {} }, { config: { environment: "prod" }, enforcementLevel: "mandatory" }));
        expect(r.mandatory).toEqual([expect.stringMatching(/invalid configuration for policy 'fill-derivable-tags':\n {2}- environment:/)]);
    });
});
