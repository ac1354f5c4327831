/** The policies of the tagguard pack, constructed fresh (each keeps per-run state). */
import type { Policies } from "@pulumi/policy";
import type { z } from "zod";
import { attributionCoveragePolicy, type CoverageSummary } from "./attribution-coverage";
import { awsTagLimitsPolicy } from "./aws-tag-limits";
import { CLOUD_CONTROL_LAUNCH_TEMPLATE_FIX, COST_REACHES_TAGGED_RESOURCE, LAUNCH_TEMPLATE_FIX, costReachesTaggedResourcePolicy } from "./cost-reaches-tagged-resource";
import { fillDerivableTagsPolicy } from "./fill-derivable-tags";
import { configSchemaOf } from "./framework";
import { POD_LABELS, POD_LABELS_FIX, podLabelsPolicy } from "./pod-labels";
import { HOW_TO_FIX_PATTERN, REQUIRED_TAGS, requiredTagsPolicy } from "./required-tags";
import { tagValuesPolicy } from "./tag-values";

export const PACK_NAME = "tagguard";
export const PACK_DESCRIPTION = "Cost attribution for ML infrastructure: every EC2, EBS, S3, EKS, SageMaker and MSK resource carries team, cost_center, project, model_id, environment, lifecycle_phase, created_by and managed_by, the instances and volumes it launches do too, and so do the pods of Kubernetes workloads, as labels.";

/** What a tool running the policies in its own process can observe (the pack itself passes nothing). */
export interface PolicyObservers {
    /** The attribution summary the stack check computed, so a tool reports the same figures without computing them again. */
    onCoverage?: (summary: CoverageSummary) => void;
}

export function createPolicies(observers: PolicyObservers = {}): Policies {
    return [
        requiredTagsPolicy(),
        tagValuesPolicy(),
        awsTagLimitsPolicy(),
        costReachesTaggedResourcePolicy(),
        podLabelsPolicy(),
        attributionCoveragePolicy(observers.onCoverage),
        fillDerivableTagsPolicy(),
    ];
}

/** Each policy's config schema by policy name: tools validate a pack config completely before analyzing anything. */
export function policyConfigSchemas(): ReadonlyMap<string, z.ZodObject> {
    return new Map(createPolicies().flatMap((p) => {
        const schema = configSchemaOf(p);
        return schema ? [[p.name, schema] as const] : [];
    }));
}

/** A pattern that matches any of `texts`, each literally. */
export const anyOf = (texts: readonly string[]): RegExp => new RegExp(texts.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

/** The launch-template fix in either provider's words, and the pattern that finds it in a message. */
export const LAUNCH_TEMPLATE_FIX_TEXTS: readonly string[] = [LAUNCH_TEMPLATE_FIX, CLOUD_CONTROL_LAUNCH_TEMPLATE_FIX];
export const LAUNCH_TEMPLATE_FIXES = anyOf(LAUNCH_TEMPLATE_FIX_TEXTS);

/**
 * Fix texts the policies end many messages with (a literal, or a pattern where the fix names the
 * resource's own keys): reports print each distinct one once per run instead of per resource.
 */
export const REPEATED_FIXES: ReadonlyMap<string, string | RegExp> = new Map<string, string | RegExp>([
    [REQUIRED_TAGS, HOW_TO_FIX_PATTERN],
    [COST_REACHES_TAGGED_RESOURCE, LAUNCH_TEMPLATE_FIXES],
    [POD_LABELS, POD_LABELS_FIX],
]);
