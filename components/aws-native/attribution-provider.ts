import * as awsnative from "@pulumi/aws-native";
import type * as pulumi from "@pulumi/pulumi";
import { resolveTags, type AttributionTags } from "../tag-set";

/**
 * An `aws-native` provider whose default tags carry the attribution set: its Check merges them into
 * every Cloud Control resource that takes tags (the resource's own values win). Autoscaling groups'
 * instances, launch templates' tag specifications, node groups' instances and volumes of instances
 * without `propagateTagsToVolumeOnCreation` are not reached by default tags; use `registerAutoTagging`.
 */
export function nativeAttributionProvider(name: string, tags: AttributionTags, args: Omit<awsnative.ProviderArgs, "defaultTags">, opts?: pulumi.ResourceOptions): awsnative.Provider {
    return new awsnative.Provider(name, { ...args, defaultTags: { tags: resolveTags(`nativeAttributionProvider ${JSON.stringify(name)}`, tags) } }, opts);
}
