/**
 * How a resource type takes the attribution set. The registries hold one entry per resource type token:
 * `@pulumi/aws` (`registry.generated.ts`) and the Kubernetes workloads of `@pulumi/kubernetes`
 * (`kubernetes.generated.ts`), generated from the installed typings by `npm run generate:registry`, and
 * the Kubernetes node pools that launch EC2 instances (`kubernetes.ts`).
 */

/**
 * The shape of a resource's own `tags` input.
 * - `map`: `{ [key]: value }` (nearly every taggable type); the provider's `defaultTags` apply.
 * - `asg-list`: `[{ key, value, propagateAtLaunch }]` (autoscaling groups); default tags never apply.
 * - `pod-labels`: a Kubernetes workload; the set is its pods' labels (`podLabels`), which AWS's split
 *   cost allocation data imports as cost allocation tags.
 * - `none`: the type takes no tags (it may still carry them to what it launches: `carriers`).
 */
export type TagShape = "map" | "asg-list" | "pod-labels" | "none";

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
    /** Kubernetes workloads: where its pods' labels are (a pod template's, or a Pod's own `metadata.labels`). */
    podLabels?: PropertyPath;
    /** A server-side-apply patch of a workload (`DeploymentPatch`): it merges into a live object, so what it leaves out may be there. */
    patch?: true;
    /** A node pool whose `spec.tags` tag the EC2 instances and volumes it launches (Karpenter `EC2NodeClass`, EKS Auto Mode `NodeClass`). */
    nodeClass?: true;
    /** Runs pods that are never resources of the program (a Helm v3 release): their labels cannot be seen before deploy. */
    opaquePods?: true;
}

/** An entry with tags of its own in AWS's sense (a map or an autoscaling list), as the tag policies judge them. */
export const hasOwnTags = (entry: RegistryEntry): entry is RegistryEntry & { tags: "map" | "asg-list" } => entry.tags === "map" || entry.tags === "asg-list";
