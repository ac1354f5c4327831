/**
 * Answers for the Kubernetes provider's invokes that `@pulumi/kubernetes` programs make offline. YAML
 * decoding is the provider's only work for `yaml.ConfigFile` and `yaml.ConfigGroup` (v1, rendered in the
 * program): decoded here, their workloads register and are judged. Helm v3 charts and kustomize v1
 * directories need `helm template` and `kustomize build`: their components are listed as not checked.
 */
import { JSON_SCHEMA } from "js-yaml";
import { loadAllYaml } from "../yaml-input";
import { HELM_V3_CHART_TYPE } from "../../tagset/kubernetes";

/** Components rendered by a provider-side tool in the program's run, and what renders them. */
export const RENDERED_BY_PROVIDER: Readonly<Record<string, { invoke: string; tool: string }>> = {
    [HELM_V3_CHART_TYPE]: { invoke: "kubernetes:helm:template", tool: "`helm template`" },
    "kubernetes:kustomize:Directory": { invoke: "kubernetes:kustomize:directory", tool: "`kustomize build`" },
};

/** The invokes whose absence `RENDERED_BY_PROVIDER` already reports. */
export const RENDERING_INVOKES: ReadonlySet<string> = new Set(Object.values(RENDERED_BY_PROVIDER).map((r) => r.invoke));

/** Kubernetes objects in YAML text, as the provider's `yaml:decode` returns them (every document, empty ones dropped). */
function decode(inputs: Record<string, unknown>): Record<string, unknown> {
    const text = typeof inputs.text === "string" ? inputs.text : "";
    const docs = loadAllYaml(text, { schema: JSON_SCHEMA }).filter((d) => d !== null && d !== undefined);
    // A `List` holds its objects in `items`, as `kubectl apply` reads it.
    const objects = docs.flatMap((d) => (typeof d === "object" && d !== null && (d as { kind?: unknown }).kind === "List" && Array.isArray((d as { items?: unknown }).items) ? (d as { items: unknown[] }).items : [d]));
    return { result: objects };
}

export function answerKubernetesInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    return token === "kubernetes:yaml:decode" ? decode(inputs) : undefined;
}
