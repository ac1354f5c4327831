import { kvListShape } from "../tagset/shapes";
import { resolveTags, type AttributionTags } from "./tag-set";

/** A tag in the Cloud Control form (`@pulumi/aws-native`'s `TagArgs`). */
export interface NativeTag {
    key: string;
    value: string;
}

/**
 * The attribution set (validated, with `extraTags` under it) as Cloud Control types take tags: a list of
 * `{ key, value }`, for `@pulumi/aws-native` resources (`tags: nativeTags({...})`) and launch-template
 * tag specifications. Types that take a map (`aws-native:eks:Nodegroup`, `aws-native:msk:Cluster`) take
 * `resolveTags(...)` instead.
 */
export function nativeTags(tags: AttributionTags, extraTags: Readonly<Record<string, string>> = {}, where = "nativeTags"): NativeTag[] {
    return kvListShape.write<NativeTag>(undefined, resolveTags(where, tags, extraTags)) as NativeTag[];
}
