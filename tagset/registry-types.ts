/**
 * How a resource type of `@pulumi/aws` takes tags. The registry (`registry.generated.ts`) holds one
 * entry per resource type token; it is generated from the installed typings by
 * `scripts/generate-registry.ts`.
 */

/**
 * The shape of a resource's own `tags` input.
 * - `map`: `{ [key]: value }` (nearly every taggable type); the provider's `defaultTags` apply.
 * - `asg-list`: `[{ key, value, propagateAtLaunch }]` (autoscaling groups); default tags never apply.
 * - `none`: the type takes no tags.
 */
export type TagShape = "map" | "asg-list" | "none";

/** Where a carrier's tags live, relative to the resource's inputs: `a.b`, `list[].tags`. */
export type PropertyPath = string;

/**
 * A place other than `tags` that puts tags on what the resource creates: instance volumes
 * (`volumeTags`, `rootBlockDevice.tags`, `ebsBlockDevices[].tags`) or the instances and volumes a
 * launch template launches (`tagSpecifications[]`).
 */
export interface TagCarrier {
    path: PropertyPath;
    shape: "map" | "tag-specifications";
    /** For a map: what it tags. Tag specifications say it per entry (`resourceType`). */
    reaches?: "volumes" | "instances";
}

export interface RegistryEntry {
    /** The provider module (`ec2`, `s3`, ...), the middle of `aws:<module>/<name>:<Type>`. */
    module: string;
    tags: TagShape;
    /** Other inputs that carry tags to what the resource creates. */
    carriers?: TagCarrier[];
    /** Inputs that reference a launch template whose tag specifications tag what is launched. */
    launchTemplateRefs?: PropertyPath[];
    /** The type has a `tagPropagation` input (SageMaker domains: tags reach the apps it creates). */
    tagPropagation?: true;
    /** The provider's Check computes a `tagsAll` output: `tags` merged over the provider's default tags. */
    tagsAll?: true;
}
