import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { resolveTags, type AttributionTags } from "./tag-set";

/**
 * An AWS provider whose default tags carry the attribution set: every taggable map-tagged resource
 * created with it is tagged. Autoscaling groups, launch-template tag specifications and EKS node-group
 * instances are not reached by default tags; use the components or `registerAutoTagging` for those.
 */
export function attributionProvider(name: string, tags: AttributionTags, args: Omit<aws.ProviderArgs, "defaultTags"> = {}, opts?: pulumi.ResourceOptions): aws.Provider {
    return new aws.Provider(name, { ...args, defaultTags: { tags: resolveTags(`attributionProvider ${JSON.stringify(name)}`, tags) } }, opts);
}
