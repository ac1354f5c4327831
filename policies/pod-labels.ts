/**
 * The pods of Kubernetes workloads carry the attribution set as labels. On a shared EKS cluster, AWS's
 * split cost allocation data gives each pod its share of its node, attributed by the pod's labels (which
 * it imports as cost allocation tags): a model's pods without the set leave its share of a GPU node on
 * `model_id: shared`. The pod template's labels are read (a Deployment's own `metadata.labels` never reach
 * its pods), in the label form of the vocabulary.
 */
import type { z } from "zod";
import { PodLabelsConfigSchema, type NamespaceScope } from "../tagset/config";
import { attributionTags, hiddenKeys, knownValues, secretKeys } from "../tagset/effective-tags";
import { globMatches } from "../tagset/exemptions";
import { CONTROLLER_LABELS, KUBERNETES_PROVIDER_TYPE, workloadKind } from "../tagset/kubernetes";
import { foldingCollisions, keysBeyondImportLimit, labelKeySyntaxProblem, labelValueProblems, labelValueSyntaxProblem } from "../tagset/labels";
import { compileRules, type CompiledRules, type ValueRules } from "../tagset/rules";
import { mapShape } from "../tagset/shapes";
import { isUnknown, readPath, unwrapSecret } from "../tagset/values";
import { isAttributionKey } from "../tagset/vocabulary";
import { advisory, keyList, keyName, quote, resourcePolicy, PASS, type CheckContext, type CheckResult, type Finding, type ResourceAndStackPolicy, type ResourceView } from "./framework";
import { requiredKeyStatus } from "./required-tags";

export const POD_LABELS = "pod-labels";

export const POD_LABELS_FIX = "Put the set in the pod template's `metadata.labels` (a CronJob's `spec.jobTemplate.spec.template.metadata.labels`), or build the labels with tagguard's `podLabels` helper.";

/** A workload's namespace (a Helm release's `namespace`): its own, else its Kubernetes provider's, else `default`; undefined while unknown. */
export function namespaceOf(resource: ResourceView): string | undefined {
    const own = unwrapSecret(readPath(resource.props, "metadata.namespace")[0] ?? readPath(resource.props, "namespace")[0]);
    if (isUnknown(own)) return undefined;
    if (typeof own === "string" && own) return own;
    if (resource.provider?.type === KUBERNETES_PROVIDER_TYPE) {
        const configured = unwrapSecret(readPath(resource.provider.props, "namespace")[0]);
        if (isUnknown(configured)) return undefined;
        if (typeof configured === "string" && configured) return configured;
    }
    return "default";
}

/** Why a workload's namespace is out of scope, if it is. */
export function namespaceOutOfScope(resource: ResourceView, namespaces: NamespaceScope): string | undefined {
    const ns = namespaceOf(resource);
    if (ns === undefined) return undefined; // judged, and its namespace verified at update
    if (namespaces.exclude.some((p) => globMatches(p, ns))) return `namespace ${JSON.stringify(ns)} is excluded by configuration (namespaces.exclude)`;
    if (namespaces.include && !namespaces.include.some((p) => globMatches(p, ns))) return `namespace ${JSON.stringify(ns)} is not in namespaces.include`;
    return undefined;
}

/** Rules are compiled once per distinct configuration. */
function rulesCache(): (rules: ValueRules) => CompiledRules {
    let last: ValueRules | undefined;
    let compiled: CompiledRules | undefined;
    return (rules) => {
        if (rules !== last || !compiled) {
            compiled = compileRules(rules);
            last = rules;
        }
        return compiled;
    };
}

const HELM_RELEASE_ADVICE = "A Helm release is one resource: Helm renders and runs its workloads inside the provider, so their pods' labels cannot be checked before deploy. Deploy the chart with Helm v4's `Chart` (`kubernetes:helm.sh/v4:Chart`), whose rendered workloads reach the pack, or set the chart's pod-label values (often `podLabels`) to the tag set.";

function checkPodLabels(ctx: CheckContext<z.infer<typeof PodLabelsConfigSchema>>, compiled: (rules: ValueRules) => CompiledRules): CheckResult {
    const { resource, entry, today } = ctx;
    if (entry.opaquePods) return { findings: [advisory(HELM_RELEASE_ADVICE)], conclusive: true };
    const path = entry.podLabels!;
    const kind = workloadKind(resource.type);
    const labels = attributionTags(resource.props, entry, resource.provider).result;
    // A patch merges into the live object: one that sets no pod labels changes none.
    if (entry.patch && labels.state === "absent") return PASS;
    const subject = kind === "Pod" ? "This pod" : `The pods of this ${kind}`;
    if (labels.state === "unknown") return { findings: [advisory(`\`${path}\` cannot be known during preview (it depends on another resource's output), so the pods' labels are verified from the resource's outputs at update.`)], conclusive: false };
    if (labels.state === "malformed") return { findings: [{ message: `\`${path}\` is a ${labels.found}, but labels are a map of strings.` }], conclusive: true };
    const tags = labels.state === "known" ? labels.tags : new Map();
    const hidden = hiddenKeys(tags);
    const secret = secretKeys(tags);
    const status = requiredKeyStatus(tags, false);
    const mandatory: string[] = [];
    const advice: Finding[] = [];

    const missing = [...status.missing, ...status.notStrings].sort();
    if (missing.length) {
        const parts = [`${subject} would be unattributable on a shared node: their labels (\`${path}\`) lack ${keyList(missing)}, and AWS's split cost allocation data attributes each pod's share of its node by its labels.`];
        if (status.nearMisses.length) parts.push(`Found ${status.nearMisses.map(([found, meant]) => `${keyName(found, hidden)} (did you mean \`${meant}\`?)`).join(", ")}: cost reports read the exact keys.`);
        if (kind !== "Pod") {
            const own = mapShape.read(readPath(resource.props, "metadata.labels")[0]);
            const onController = own.state === "known" ? missing.filter((k) => own.tags.has(k)) : [];
            if (onController.length) parts.push(`${keyList(onController)} ${onController.length === 1 ? "is" : "are"} on the ${kind}'s own \`metadata.labels\`, which never reach its pods.`);
        }
        parts.push(POD_LABELS_FIX);
        // A patch merges into the live object, which may hold what the patch leaves out.
        if (entry.patch) advice.push(advisory(`${parts.join(" ")} This is a patch: the live ${kind} may already carry them.`));
        else mandatory.push(parts.join(" "));
    }
    const values = labelValueProblems(knownValues(tags), compiled(ctx.config), today);
    if (values.length) mandatory.push(`Pod labels that cannot carry the set: ${values.map((p) => `\`${p.key}\`${p.value === undefined ? "" : ` ${quote(p.value, secret.has(p.key))}`} ${p.problem}.`).join(" ")}`);
    // Kubernetes refuses a label that is not one, whatever it is for: the apply would fail.
    const refused: string[] = [];
    tags.forEach((v, key) => {
        const keyProblem = labelKeySyntaxProblem(key);
        if (keyProblem) refused.push(`${keyName(key, hidden)} ${keyProblem}`);
        if (v.state === "known" && !isAttributionKey(key)) {
            const valueProblem = labelValueSyntaxProblem(v.value);
            if (valueProblem) refused.push(`the value of ${keyName(key, hidden)}${v.secret ? "" : ` ${quote(v.value, false)}`} ${valueProblem}`);
        }
    });
    if (refused.length) mandatory.push(`Labels Kubernetes would refuse: ${refused.join("; ")}.`);
    for (const { tag, keys } of foldingCollisions(tags.keys())) {
        const keep = keys.find(isAttributionKey);
        mandatory.push(`Labels ${keyList(keys, hidden)} all become the cost allocation tag \`${tag}\` (AWS turns every character that is not a letter or a digit into \`_\`), so the bill cannot tell them apart: keep ${keep ? `\`${keep}\`` : "one"} only.`);
    }
    const beyond = keysBeyondImportLimit(tags, CONTROLLER_LABELS[kind] ?? []);
    if (beyond.length) {
        const added = CONTROLLER_LABELS[kind]?.length ? ` (counting the ${CONTROLLER_LABELS[kind]!.length} the ${kind} controller adds)` : "";
        mandatory.push(`AWS imports only the first 50 labels of a pod, in sorted order: ${beyond.map(({ key, position }) => `\`${key}\` is label ${position}`).join(", ")}${added}, so ${beyond.length === 1 ? "it" : "they"} would not reach the bill. Drop labels that sort before ${beyond.length === 1 ? "it" : "them"}.`);
    }
    const findings: Finding[] = mandatory.map((message) => ({ message }));
    findings.push(...advice);
    if (status.unknown.length) findings.push(advisory(`Values of ${keyList(status.unknown)} are unknown during preview; they count as present and are verified at update.`));
    return { findings, conclusive: status.unknown.length === 0 };
}

export function podLabelsPolicy(): ResourceAndStackPolicy {
    const compiled = rulesCache();
    return resourcePolicy({
        name: POD_LABELS,
        description: "The pods of Kubernetes workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, ReplicationController, and their patches) carry team, cost_center, project, model_id, environment, lifecycle_phase, created_by and managed_by as pod-template labels with label-safe values, so that AWS's split cost allocation data attributes each pod's share of a shared node.",
        enforcementLevel: "mandatory",
        remediationSteps: POD_LABELS_FIX,
        configSchema: PodLabelsConfigSchema,
        recheckInStack: true,
        judges: (entry) => entry.tags === "pod-labels",
        outOfScope: (resource, config) => namespaceOutOfScope(resource, config.namespaces),
        check: (ctx) => checkPodLabels(ctx, compiled),
    });
}
