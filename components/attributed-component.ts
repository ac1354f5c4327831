import * as pulumi from "@pulumi/pulumi";
import { resolveTags, type AttributionTags } from "./tag-set";

/** What every tagguard component takes. */
export interface AttributedArgs {
    /** The attribution tag set of everything the component creates; validated before anything is registered. */
    tags: AttributionTags;
    /** Further tags to add (a `Name`, a `Service`, ...); attribution keys belong in `tags`. */
    extraTags?: Record<string, string>;
}

/**
 * Base of the components: validates the tag set at construction (throwing `InvalidTagSetError` before
 * the component or any child is registered) and hands children the merged tags.
 */
export abstract class AttributedComponent extends pulumi.ComponentResource {
    /** The tags every child carries: `extraTags` under the validated attribution set. */
    readonly resolvedTags: Readonly<Record<string, string>>;

    protected constructor(type: string, name: string, args: AttributedArgs, opts?: pulumi.ComponentResourceOptions) {
        const tags = resolveTags(`${type.split(":").pop()} ${JSON.stringify(name)}`, args.tags, args.extraTags);
        super(type, name, {}, opts);
        this.resolvedTags = tags;
    }

    /** Options for a child: parented to this component. */
    protected child(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        return { ...opts, parent: this };
    }
}
