/** Effective tags stay within what each AWS API accepts, so a plan never fails at apply time for a tag. */
import { TagLimitsConfigSchema } from "../tagset/config";
import { hasOwnTags } from "../tagset/registry-types";
import { carrierPlaces, effectiveTags, hiddenKeys, knownValues, secretKeys } from "../tagset/effective-tags";
import { MAX_S3_OBJECT_TAGS, MAX_USER_TAGS, S3_OBJECT_TYPES, serviceTagRules, tagLimitProblems, type ServiceTagRules } from "../tagset/limits";
import { WRITTEN_RESOURCE_TYPES, mapShape, tagSpecificationsShape, type ReadResult } from "../tagset/shapes";
import { advisory, keyName, resourcePolicy, type CheckResult, type Finding, type ResourceAndStackPolicy } from "./framework";

export const AWS_TAG_LIMITS = "aws-tag-limits";

/** Volumes and launched instances are EC2 resources, whatever launches them. */
const LAUNCHED = serviceTagRules("ec2");

export function awsTagLimitsPolicy(): ResourceAndStackPolicy {
    return resourcePolicy({
        name: AWS_TAG_LIMITS,
        description: "Tags stay within what each AWS API accepts: key and value lengths (EC2 keys 127 characters, others 128; values 256), the characters the service's API allows, no `aws:` prefix, at most 50 tags (10 on S3 objects, provider default tags included). Characters outside AWS's cross-service guidance on a service that accepts them are advice.",
        enforcementLevel: "mandatory",
        remediationSteps: "Shorten or rename the named tags; remove tags beyond the limit (provider default tags count toward it).",
        configSchema: TagLimitsConfigSchema,
        recheckInStack: true,
        // Node pools carry tags to the instances they launch, in `spec.tags`: AWS's rules apply there.
        judges: (entry) => hasOwnTags(entry) || !!entry.carriers?.length,
        check: ({ resource, entry }): CheckResult => {
            const eff = effectiveTags(resource.props, entry, resource.provider);
            const refused: string[] = [];
            const advice: string[] = [];
            let conclusive = eff.result.state !== "unknown";
            const checkMap = (where: string, read: ReadResult, rules: ServiceTagRules, max: number): void => {
                if (read.state === "unknown") conclusive = false;
                if (read.state !== "known") return;
                const hidden = hiddenKeys(read.tags);
                for (const p of tagLimitProblems(knownValues(read.tags), rules, max, secretKeys(read.tags), hidden)) {
                    (p.advisory ? advice : refused).push(`${where}${p.key === "*" ? "" : ` ${keyName(p.key, hidden)}`}: ${p.problem}.`);
                }
            };
            if (hasOwnTags(entry)) checkMap(eff.source, eff.result, serviceTagRules(entry.module), S3_OBJECT_TYPES.includes(resource.type) ? MAX_S3_OBJECT_TAGS : MAX_USER_TAGS);
            if (eff.duplicates?.size && eff.result.state === "known") {
                const hidden = hiddenKeys(eff.result.tags);
                refused.push(`\`tags\` lists ${[...eff.duplicates].sort().map((k) => keyName(k, hidden)).join(", ")} more than once: a key may appear once.`);
            }
            for (const carrier of entry.carriers ?? []) {
                for (const { where, value } of carrierPlaces(resource.props, carrier)) {
                    if (carrier.shape === "map") {
                        checkMap(`\`${where}\``, mapShape.read(value), LAUNCHED, MAX_USER_TAGS);
                        continue;
                    }
                    const specs = tagSpecificationsShape.read(value, carrier.tagList === true);
                    if (specs.state === "unknown") conclusive = false;
                    if (specs.state === "known") {
                        // Only vocabulary is quoted: a resource type that is not one could be anything, a secret included.
                        for (const [type, read] of specs.byType) checkMap(`\`${where}\` (${(WRITTEN_RESOURCE_TYPES as readonly string[]).includes(type) ? type : "another resource type"})`, read, LAUNCHED, MAX_USER_TAGS);
                    }
                }
            }
            const findings: Finding[] = [];
            if (refused.length) findings.push({ message: `Tags AWS would refuse: ${refused.join(" ")}` });
            if (advice.length) findings.push(advisory(`Tags AWS accepts here but that break its cross-service character guidance: ${advice.join(" ")}`));
            return { findings, conclusive };
        },
    });
}
