/** Effective tags stay within what the AWS APIs accept, so a plan never fails at apply time for a tag. */
import { TagLimitsConfigSchema } from "../tagset/config";
import { carrierValues, effectiveTags, knownValues, secretKeys } from "../tagset/effective-tags";
import { MAX_S3_OBJECT_TAGS, MAX_USER_TAGS, S3_OBJECT_TYPES, tagLimitProblems } from "../tagset/limits";
import { WRITTEN_RESOURCE_TYPES, mapShape, tagSpecificationsShape, type ReadResult } from "../tagset/shapes";
import { resourcePolicy, type CheckResult, type ResourceAndStackPolicy } from "./framework";

export const AWS_TAG_LIMITS = "aws-tag-limits";

export function awsTagLimitsPolicy(): ResourceAndStackPolicy {
    return resourcePolicy({
        name: AWS_TAG_LIMITS,
        description: "Tags stay within AWS limits: keys of 1-128 and values of at most 256 letters, digits, spaces and + - = . _ : / @, no `aws:` prefix, at most 50 tags (10 on S3 objects, provider default tags included).",
        enforcementLevel: "mandatory",
        remediationSteps: "Shorten or rename the named tags; remove tags beyond the limit (provider default tags count toward it).",
        configSchema: TagLimitsConfigSchema,
        recheckInStack: true,
        check: ({ resource, entry }): CheckResult => {
            const eff = effectiveTags(resource.props, entry, resource.provider);
            const lines: string[] = [];
            let conclusive = eff.result.state !== "unknown";
            const checkMap = (where: string, read: ReadResult, max: number): void => {
                if (read.state === "unknown") conclusive = false;
                if (read.state !== "known") return;
                for (const p of tagLimitProblems(knownValues(read.tags), max, secretKeys(read.tags))) lines.push(`${where}${p.key === "*" ? "" : ` \`${p.key}\``}: ${p.problem}.`);
            };
            checkMap(eff.source, eff.result, S3_OBJECT_TYPES.includes(resource.type) ? MAX_S3_OBJECT_TAGS : MAX_USER_TAGS);
            for (const carrier of entry.carriers ?? []) {
                for (const value of carrierValues(resource.props, carrier)) {
                    if (carrier.shape === "map") {
                        checkMap(carrier.path, mapShape.read(value), MAX_USER_TAGS);
                        continue;
                    }
                    const specs = tagSpecificationsShape.read(value);
                    if (specs.state === "unknown") conclusive = false;
                    if (specs.state === "known") {
                        // Only vocabulary is quoted: a resource type that is not one could be anything, a secret included.
                        for (const [type, read] of specs.byType) checkMap(`${carrier.path} (${(WRITTEN_RESOURCE_TYPES as readonly string[]).includes(type) ? type : "another resource type"})`, read, MAX_USER_TAGS);
                    }
                }
            }
            return { findings: lines.length ? [{ message: `Tags AWS would refuse: ${lines.join(" ")}` }] : [], conclusive };
        },
    });
}
