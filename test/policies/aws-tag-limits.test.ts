import { awsTagLimitsPolicy } from "../../policies/aws-tag-limits";
import { analyze, byLevel, type ResourceCase } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, awsProvider, secret } from "../fixtures";

const BUCKET = "aws:s3/bucketV2:BucketV2";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const many = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

const cases: { name: string; resource: ResourceCase; violation?: RegExp[] }[] = [
    { name: "a normal tag set", resource: { type: BUCKET, props: { tags: FULL_TAGS } } },
    { name: "unicode letters and the allowed punctuation", resource: { type: BUCKET, props: { tags: { "équipe:Zürich": "a+b-c=d.e_f:g/h@i j" } } } },
    { name: "a 128-character key and a 256-character value", resource: { type: BUCKET, props: { tags: { ["k".repeat(128)]: "v".repeat(256) } } } },
    { name: "a 129-character key", resource: { type: BUCKET, props: { tags: { ["k".repeat(129)]: "v" } } }, violation: [/key is 129 characters; AWS allows 1 to 128/] },
    { name: "a 257-character value", resource: { type: BUCKET, props: { tags: { team: "v".repeat(257) } } }, violation: [/`team`: value is 257 characters; AWS allows at most 256/] },
    { name: "length counts code points, not UTF-16 units: 256 astral letters fit", resource: { type: BUCKET, props: { tags: { team: "𝔣".repeat(256) } } } },
    { name: "257 astral letters do not", resource: { type: BUCKET, props: { tags: { team: "𝔣".repeat(257) } } }, violation: [/value is 257 characters/] },
    { name: "an empty key", resource: { type: BUCKET, props: { tags: { "": "v" } } }, violation: [/key is 0 characters/] },
    { name: "characters AWS refuses, named without the value", resource: { type: BUCKET, props: { tags: { team: "fraud#1!" } } }, violation: [/`team`: value contains "#", "!"; AWS allows/] },
    { name: "the aws: prefix is reserved, in any case", resource: { type: BUCKET, props: { tags: { "AWS:createdBy": "x" } } }, violation: [/`AWS:createdBy`: keys starting with `aws:` are reserved/] },
    { name: "50 tags are allowed", resource: { type: BUCKET, props: { tags: many(50) } } },
    { name: "51 tags are refused", resource: { type: BUCKET, props: { tags: many(51) } }, violation: [/51 tags; AWS allows at most 50/] },
    { name: "default tags count toward the limit", resource: { type: BUCKET, props: { tags: many(45) }, provider: awsProvider(FULL_TAGS) }, violation: [/53 tags; AWS allows at most 50/] },
    { name: "unknown values are not measured", resource: { type: BUCKET, props: { tags: { team: UNKNOWN } } } },
    { name: "a whole unknown map", resource: { type: BUCKET, props: { tags: UNKNOWN } } },
    { name: "a secret value's bad characters are not shown", resource: { type: BUCKET, props: { tags: { team: secret("p@ss{word}") } } }, violation: [/`team`: value contains characters; AWS allows/] },
    { name: "a secret value too long is reported without the value", resource: { type: BUCKET, props: { tags: { team: secret("s".repeat(300)) } } }, violation: [/`team`: value is 300 characters/] },
    {
        name: "instance volume tags are checked too",
        resource: { type: "aws:ec2/instance:Instance", props: { tags: FULL_TAGS, volumeTags: { "aws:x": "1" } } },
        violation: [/volumeTags `aws:x`: keys starting with `aws:` are reserved/],
    },
    {
        name: "launch-template tag specifications are checked too",
        resource: { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { tags: FULL_TAGS, tagSpecifications: [{ resourceType: "instance", tags: { team: "a$b" } }] } },
        violation: [/tagSpecifications\[\] \(instance\) `team`: value contains "\$"/],
    },
];

describe("aws-tag-limits (served by the SDK)", () => {
    test.each(cases)("$name", async (c) => {
        const result = byLevel(await analyze(awsTagLimitsPolicy(), c.resource));
        if (c.violation) {
            expect(result.mandatory).toHaveLength(1);
            for (const re of c.violation) expect(result.mandatory[0]).toMatch(re);
        } else {
            expect(result.mandatory).toEqual([]);
        }
        expect(result.mandatory.join()).not.toMatch(/s{300}|fraud#1!/);
    });

    test("S3 objects: exactly 10 with defaults is allowed, 11 is not", async () => {
        const ten = byLevel(await analyze(awsTagLimitsPolicy(), { type: OBJECT, props: { tags: { a: "1", b: "2" } }, provider: awsProvider(FULL_TAGS) }));
        expect(ten.mandatory).toEqual([]);
        const eleven = byLevel(await analyze(awsTagLimitsPolicy(), { type: OBJECT, props: { tags: { a: "1", b: "2", c: "3" } }, provider: awsProvider(FULL_TAGS) }));
        expect(eleven.mandatory).toEqual([expect.stringMatching(/11 tags; AWS allows at most 10/)]);
    });
});
