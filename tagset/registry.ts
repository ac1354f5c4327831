/**
 * Every type tagguard knows, whatever provider it comes from: `@pulumi/aws`, the Cloud Control provider
 * `@pulumi/aws-native`, and Kubernetes workloads and node pools. Lookups go through here, never through
 * one provider's registry.
 */
import { AWS_NATIVE_REGISTRY } from "./aws-native.generated";
import { KUBERNETES_REGISTRY } from "./kubernetes";
import { REGISTRY } from "./registry.generated";
import type { RegistryEntry } from "./registry-types";

/** The entry of a type token, when tagguard knows the type. */
export const entryOf = (type: string): RegistryEntry | undefined => REGISTRY[type] ?? AWS_NATIVE_REGISTRY[type] ?? KUBERNETES_REGISTRY[type];

/** Every known type token. */
export const KNOWN_TYPES: readonly string[] = [...Object.keys(REGISTRY), ...Object.keys(AWS_NATIVE_REGISTRY), ...Object.keys(KUBERNETES_REGISTRY)];

/** The provider modules of the known types (`ec2`, `s3`, ..., `kubernetes`), sorted: what `services` names. */
export const KNOWN_MODULES: readonly string[] = [...new Set([...Object.values(REGISTRY), ...Object.values(AWS_NATIVE_REGISTRY), ...Object.values(KUBERNETES_REGISTRY)].map((e) => e.module))].sort();

/** Every known entry, by type token. */
export const ALL_ENTRIES: readonly (readonly [string, RegistryEntry])[] = [...Object.entries(REGISTRY), ...Object.entries(AWS_NATIVE_REGISTRY), ...Object.entries(KUBERNETES_REGISTRY)];

/** The Cloud Control provider's types (`aws-native:<module>:<Type>`): their provider, its config namespace and its default tags are `aws-native`'s. */
export const AWS_NATIVE_PREFIX = "aws-native:";
export const isCloudControlType = (type: string): boolean => type.startsWith(AWS_NATIVE_PREFIX);
