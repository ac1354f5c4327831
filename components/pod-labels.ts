/**
 * The attribution set as pod labels: on a shared EKS cluster, AWS's split cost allocation data attributes
 * each pod's share of its node by the pod's labels. The same keys as the tags; values must also be valid
 * label values (`tagset/labels.ts`), which a tag set may not be (an e-mail address in `created_by`).
 */
import { labelValueProblems } from "../tagset/labels";
import { DEFAULT_RULES } from "../tagset/rules";
import { isAttributionKey, type AttributionTagKey } from "../tagset/vocabulary";
import { InvalidTagSetError, resolveTags, type AttributionTags } from "./tag-set";

/** Pod labels carrying the attribution set, and any others the caller adds. */
export type PodLabels = Readonly<Partial<Record<AttributionTagKey, string>> & Record<string, string>>;

/**
 * The tag set as pod labels, validated as a tag set and as labels: a value that cannot be a label (an
 * e-mail address as `created_by`, a model id with `/`) throws `InvalidTagSetError` naming the key and the
 * label-safe form. `extraLabels` (an `app` selector label, ...) are kept; they may not redefine an
 * attribution key.
 */
export function podLabels(tags: AttributionTags, extraLabels: Readonly<Record<string, string>> = {}, where = "podLabels"): PodLabels {
    const resolved = resolveTags(where, tags, extraLabels);
    const attribution = new Map(Object.entries(resolved).filter(([k]) => isAttributionKey(k)));
    const problems = labelValueProblems(attribution, DEFAULT_RULES, new Date()).map((p) => `\`${p.key}\` ${p.value === undefined ? "" : `${JSON.stringify(p.value)} `}${p.problem}`);
    if (problems.length) throw new InvalidTagSetError(where, problems);
    return resolved;
}
