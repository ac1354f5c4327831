import { tagValuesPolicy } from "../../policies/tag-values";
import { analyze, byLevel, type ResourceCase, type ServeOptions } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, asgTags, awsProvider, inDays, secret, without } from "../fixtures";

const BUCKET = "aws:s3/bucketV2:BucketV2";
const EXPERIMENT = { ...FULL_TAGS, environment: "experiment", lifecycle_phase: "training", experiment_id: "hpo-2026-11", expires_at: inDays(14) };

interface Case {
    name: string;
    tags?: Record<string, unknown> | string;
    resource?: ResourceCase;
    options?: ServeOptions;
    /** The single mandatory message must match every pattern; none means no violation. */
    violation?: RegExp[];
    advisory?: RegExp[];
}

const cases: Case[] = [
    { name: "a valid production tag set", tags: FULL_TAGS },
    { name: "model_id shared is valid for platform resources", tags: { ...FULL_TAGS, model_id: "shared", lifecycle_phase: "monitoring" } },
    { name: "a valid experiment", tags: EXPERIMENT },
    { name: "environment outside the enum names key, value and allowed values", tags: { ...FULL_TAGS, environment: "prod" }, violation: [/`environment` "prod" must be one of production, staging, development, experiment\./] },
    { name: "lifecycle_phase outside the enum", tags: { ...FULL_TAGS, lifecycle_phase: "serving" }, violation: [/`lifecycle_phase` "serving" must be one of training, inference, feature_pipeline, monitoring, data_pipeline, development/] },
    { name: "team not a lower-case identifier by default", tags: { ...FULL_TAGS, team: "Fraud Team" }, violation: [/`team` "Fraud Team" must be a lower-case kebab or snake identifier/] },
    { name: "created_by may be an e-mail address", tags: { ...FULL_TAGS, created_by: "jane.doe@example.com" } },
    { name: "created_by automation", tags: { ...FULL_TAGS, created_by: "automation" } },
    {
        name: "allowed lists come from config",
        tags: { ...FULL_TAGS, team: "growth" },
        options: { config: { allowedValues: { team: ["fraud", "platform"] } } },
        violation: [/`team` "growth" must be one of fraud, platform\./],
    },
    { name: "patterns come from config", tags: { ...FULL_TAGS, cost_center: "cc-1042" }, options: { config: { patterns: { cost_center: "CC-\\d{4}" } } }, violation: [/`cost_center` "cc-1042" must match CC-\\d\{4\}\./] },
    { name: "experiment needs experiment_id and expires_at", tags: { ...FULL_TAGS, environment: "experiment" }, violation: [/`experiment_id` is required when `environment` is experiment\. `expires_at` is required when `environment` is experiment\./] },
    { name: "expires_at must be a date", tags: { ...EXPERIMENT, expires_at: "next friday" }, violation: [/`expires_at` "next friday" must be an ISO 8601 date/] },
    { name: "expires_at must be a calendar date", tags: { ...EXPERIMENT, expires_at: "2026-02-30" }, violation: [/must be an ISO 8601 date/] },
    { name: "expires_at in the past", tags: { ...EXPERIMENT, expires_at: inDays(-1) }, violation: [/`expires_at` ".*" is in the past/] },
    { name: "expires_at beyond the experiment horizon (30 days)", tags: { ...EXPERIMENT, expires_at: inDays(31) }, violation: [/lies more than 30 days ahead, the horizon for experiment/] },
    { name: "expires_at on the experiment horizon", tags: { ...EXPERIMENT, expires_at: inDays(30) } },
    { name: "development horizon is 90 days", tags: { ...FULL_TAGS, environment: "development", expires_at: inDays(91) }, violation: [/horizon for development/] },
    { name: "production has no horizon", tags: { ...FULL_TAGS, expires_at: inDays(900) } },
    { name: "horizons come from config", tags: { ...EXPERIMENT, expires_at: inDays(40) }, options: { config: { expiryHorizonDays: { experiment: 45 } } } },
    { name: "expires_at with a time and zone", tags: { ...EXPERIMENT, expires_at: `${inDays(3)}T18:00:00Z` } },
    { name: "values from provider default tags are checked too", resource: { type: BUCKET, props: {}, provider: awsProvider({ ...FULL_TAGS, environment: "qa" }) }, violation: [/`environment` "qa"/] },
    { name: "unknown values are not judged", tags: { ...FULL_TAGS, environment: UNKNOWN, team: UNKNOWN } },
    { name: "unknown expires_at still satisfies the experiment rule", tags: { ...EXPERIMENT, expires_at: UNKNOWN } },
    { name: "a secret value is never quoted", tags: { ...FULL_TAGS, project: secret("Project Falcon") }, violation: [/`project` \[secret\] must be a lower-case/] },
    { name: "a whole secret map is never quoted", tags: secret({ ...FULL_TAGS, team: "Top Secret" }), violation: [/`team` \[secret\]/] },
    { name: "long values are cut in messages", tags: { ...FULL_TAGS, project: "X".repeat(200) }, violation: [/`project` "X{64}\.\.\. \(200 characters\)" must be a lower-case/] },
    { name: "control characters in a value are shown escaped", tags: { ...FULL_TAGS, project: "ok\u001b[2J\n::error::x" }, violation: [/`project` "ok\\u\{1B\}\[2J\\n::error::x" must be/] },
    { name: "autoscaling list values are checked", resource: { type: "aws:autoscaling/group:Group", props: { tags: asgTags({ ...FULL_TAGS, environment: "prod" }) } }, violation: [/`environment` "prod"/] },
    {
        name: "a secret autoscaling tag entry is never quoted",
        resource: { type: "aws:autoscaling/group:Group", props: { tags: [...asgTags(without(FULL_TAGS, "environment")), secret({ key: "environment", value: "Prod Secret", propagateAtLaunch: true })] } },
        violation: [/^Invalid attribution tag values: `environment` \[secret\] must be/],
    },
    { name: "missing keys are not this policy's business", tags: without(FULL_TAGS, "team", "environment") },
    { name: "whole map unknown", tags: UNKNOWN },
    { name: "a config mistake is reported", tags: FULL_TAGS, options: { config: { patterns: { team: "([" } } }, violation: [/invalid configuration for policy 'tag-values':\n {2}- patterns\.team: not a valid pattern \(missing closing \]/] },
    { name: "a pattern with lookahead is refused (RE2 syntax)", tags: FULL_TAGS, options: { config: { patterns: { team: "(?!x)[a-z]+" } } }, violation: [/patterns\.team: not a valid pattern .*RE2 syntax/] },
    { name: "a catastrophic pattern is matched in linear time", tags: { ...FULL_TAGS, team: `${"a".repeat(41)}c` }, options: { config: { patterns: { team: "(a+)+b" } } }, violation: [/`team` "a{41}c" must match \(a\+\)\+b/] },
    { name: "a configured pattern applies", tags: { ...FULL_TAGS, model_id: "fraud-xgb" }, options: { config: { patterns: { model_id: "shared|[a-z0-9]+(?:-[a-z0-9]+)*-v\\d+" } } }, violation: [/`model_id` "fraud-xgb" must match/] },
    { name: "a service name typo is a config error, with a suggestion", tags: FULL_TAGS, options: { config: { services: ["s4"] } }, violation: [/services\.0: "s4" is not a provider module tagguard knows \(did you mean "s3"\?\)/] },
    { name: "an impossible exemption date is a config error", tags: FULL_TAGS, options: { config: { exemptions: [{ name: "x", reason: "a long enough reason", expires: "2099-13-45" }] } }, violation: [/exemptions\.0\.expires: not a calendar date/] },
    { name: "unknown config keys are reported", tags: FULL_TAGS, options: { config: { allowedValue: {} } }, violation: [/invalid configuration for policy 'tag-values'/, /allowedValue/] },
];

describe("tag-values (served by the SDK)", () => {
    test.each(cases)("$name", async (c) => {
        const resource = c.resource ?? { type: BUCKET, props: { tags: c.tags } };
        const result = byLevel(await analyze(tagValuesPolicy(), resource, c.options));
        if (c.violation) {
            expect(result.mandatory).toHaveLength(1);
            for (const re of c.violation) expect(result.mandatory[0]).toMatch(re);
        } else {
            expect(result.mandatory).toEqual([]);
        }
        expect(result.advisory).toHaveLength(c.advisory?.length ?? 0);
    });
});

describe("where a bad value came from", () => {
    test.each([
        ["the resource's tags", { tags: { ...FULL_TAGS, environment: "prod" } }, awsProvider(), /`environment` "prod" must be one of/, /from the/],
        ["the default provider's default tags", { tags: { model_id: "m-v1", lifecycle_phase: "training" } }, awsProvider({ ...without(FULL_TAGS, "model_id", "lifecycle_phase"), environment: "prod" }), /`environment` "prod" \(from the default provider's default tags, stack config `aws:defaultTags`\) must be one of/, undefined],
        ["an explicit provider's default tags", { tags: { model_id: "m-v1", lifecycle_phase: "training" } }, { ...awsProvider({ ...without(FULL_TAGS, "model_id", "lifecycle_phase"), environment: "prod" }), name: "west" }, /`environment` "prod" \(from provider `west`'s `defaultTags`\) must be one of/, undefined],
    ])("%s", async (_name, props, provider, message, absent) => {
        const r = byLevel(await analyze(tagValuesPolicy(), { type: "aws:s3/bucketV2:BucketV2", props, provider }));
        expect(r.mandatory).toHaveLength(1);
        expect(r.mandatory[0]).toMatch(message);
        if (absent) expect(r.mandatory[0]).not.toMatch(absent);
    });
});
