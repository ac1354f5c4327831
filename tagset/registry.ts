/**
 * Every type tagguard knows, whatever provider it comes from: `@pulumi/aws`, and Kubernetes workloads
 * and node pools. Lookups go through here, never through one provider's registry.
 */
import { KUBERNETES_REGISTRY } from "./kubernetes";
import { REGISTRY } from "./registry.generated";
import type { RegistryEntry } from "./registry-types";

/** The entry of a type token, when tagguard knows the type. */
export const entryOf = (type: string): RegistryEntry | undefined => REGISTRY[type] ?? KUBERNETES_REGISTRY[type];

/** Every known type token. */
export const KNOWN_TYPES: readonly string[] = [...Object.keys(REGISTRY), ...Object.keys(KUBERNETES_REGISTRY)];

/** The provider modules of the known types (`ec2`, `s3`, ..., `kubernetes`), sorted: what `services` names. */
export const KNOWN_MODULES: readonly string[] = [...new Set([...Object.values(REGISTRY), ...Object.values(KUBERNETES_REGISTRY)].map((e) => e.module))].sort();

/** Every known entry, by type token. */
export const ALL_ENTRIES: readonly (readonly [string, RegistryEntry])[] = [...Object.entries(REGISTRY), ...Object.entries(KUBERNETES_REGISTRY)];
