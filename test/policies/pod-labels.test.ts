/**
 * pod-labels: the pods of every workload kind, in every API version the Kubernetes provider has, carry
 * the set as pod-template labels in the label form of the vocabulary. Served by the SDK's own handlers,
 * props wrapped in its unknown-checking proxy as the engine's requests are.
 */
import { podLabelsPolicy } from "../../policies/pod-labels";
import { KUBERNETES_WORKLOADS } from "../../tagset/kubernetes.generated";
import { analyze, analyzeStack, byLevel, type ResourceCase, type ServeOptions } from "../harness/sdk-policy-server";
import { FULL_TAGS, UNKNOWN, inDays, secret, without } from "../fixtures";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const LABELS: Record<string, string> = { ...FULL_TAGS, created_by: "jane.doe" };

/** A workload of a kind with the given pod labels where that kind keeps them, as a program writes it. */
function workload(type: string, podLabels: unknown, extra: { namespace?: string; ownLabels?: Record<string, string> } = {}): ResourceCase {
    const kind = type.split(":").pop()!.replace(/Patch$/, "");
    const metadata: Record<string, unknown> = { name: "scoring", ...(extra.namespace ? { namespace: extra.namespace } : {}), ...(extra.ownLabels ? { labels: extra.ownLabels } : {}) };
    const template = { metadata: { labels: podLabels }, spec: { containers: [{ name: "app", image: "scoring:1" }] } };
    const props = kind === "Pod" ? { metadata: { ...metadata, labels: podLabels }, spec: template.spec }
        : kind === "CronJob" ? { metadata, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } } } }
        : { metadata, spec: { selector: { matchLabels: { app: "scoring" } }, template } };
    return { type, props: props as ResourceCase["props"], provider: { type: "pulumi:providers:kubernetes", props: {} } };
}

interface Case {
    name: string;
    resource: ResourceCase;
    options?: ServeOptions;
    mandatory?: RegExp[];
    advisory?: RegExp[];
    notApplicable?: RegExp;
}

const ALL = "`cost_center`, `created_by`, `environment`, `lifecycle_phase`, `managed_by`, `model_id`, `project`, `team`";

// Every workload type of the generated registry: the full set passes, none fails naming where the pods' labels are.
const perKind: Case[] = Object.keys(KUBERNETES_WORKLOADS).filter((t) => !t.endsWith("Patch")).flatMap((type): Case[] => [
    { name: `${type}: the full set on its pods passes`, resource: workload(type, LABELS) },
    {
        name: `${type}: pods without labels fail`, resource: workload(type, { app: "scoring" }),
        mandatory: [new RegExp(`would be unattributable on a shared node: their labels \\(\`${KUBERNETES_WORKLOADS[type].podLabels!.replace(/\./g, "\\.")}\`\\) lack ${ALL.replace(/[`]/g, ".")}`)],
    },
]);

const cases: Case[] = [
    ...perKind,
    // Where the set is.
    {
        name: "the set on the Deployment's own metadata.labels only: the message says those never reach the pods",
        resource: workload(DEPLOYMENT, { app: "scoring" }, { ownLabels: LABELS }),
        mandatory: [/lack .*`team`.*\. .*`team` are on the Deployment's own `metadata\.labels`, which never reach its pods\. Put the set in the pod template's `metadata\.labels`/],
    },
    { name: "near misses are named", resource: workload(DEPLOYMENT, { ...without(LABELS, "cost_center"), "cost-center": "cc-1042" }), mandatory: [/lack `cost_center`.*Found `cost-center` \(did you mean `cost_center`\?\)/] },
    // The label form of each value.
    {
        name: "created_by as an e-mail address: not a label value, the handle shown",
        resource: workload(DEPLOYMENT, { ...LABELS, created_by: "jane.doe@example.com" }),
        mandatory: [/^Pod labels that cannot carry the set: `created_by` "jane\.doe@example\.com" is an e-mail address, which cannot be a label value \("@" is not allowed\): use the person's handle, such as `jane\.doe`, or `automation`\.$/],
    },
    { name: "created_by automation", resource: workload(DEPLOYMENT, { ...LABELS, created_by: "automation" }) },
    {
        name: "expires_at with a time: a date only",
        resource: workload(DEPLOYMENT, { ...LABELS, environment: "experiment", experiment_id: "exp-7", expires_at: `${inDays(10)}T12:00:00Z` }),
        mandatory: [/`expires_at` ".*T12:00:00Z" must be a date only \(YYYY-MM-DD\) in a label: a time holds ":", which a label value cannot \(use `\d{4}-\d{2}-\d{2}`\)/],
    },
    { name: "expires_at as a date", resource: workload(DEPLOYMENT, { ...LABELS, environment: "experiment", experiment_id: "exp-7", expires_at: inDays(10) }) },
    {
        name: "model_id with / and :: a label-safe form suggested, the full id for an annotation",
        resource: workload(DEPLOYMENT, { ...LABELS, model_id: "meta-llama/Llama-3.1-8B-Instruct" }),
        mandatory: [/`model_id` "meta-llama\/Llama-3\.1-8B-Instruct" holds "\/" or ":", which a label value cannot: use a label-safe form such as `meta-llama-llama-3\.1-8b-instruct`, and put the full identifier in an annotation \(AWS does not import annotations\)/],
    },
    {
        name: "a value longer than 63 characters",
        resource: workload(DEPLOYMENT, { ...LABELS, project: `p${"x".repeat(63)}` }),
        mandatory: [/`project` ".*" is 64 characters; a label value takes at most 63\./],
    },
    { name: "the vocabulary's rules apply too: an environment outside the list", resource: workload(DEPLOYMENT, { ...LABELS, environment: "prod" }), mandatory: [/`environment` "prod" must be one of production, staging, development, experiment\./] },
    { name: "cross-key rules: an experiment without its id", resource: workload(DEPLOYMENT, { ...LABELS, environment: "experiment", expires_at: inDays(10) }), mandatory: [/`experiment_id` is required when `environment` is experiment/] },
    { name: "allowed values from the config", resource: workload(DEPLOYMENT, LABELS), options: { config: { allowedValues: { team: ["recsys"] } } }, mandatory: [/`team` "fraud" must be one of recsys/] },
    // Labels that are not labels, and what AWS does with them.
    { name: "a label value Kubernetes would refuse, on a label that is not the set's", resource: workload(DEPLOYMENT, { ...LABELS, version: "v1 beta" }), mandatory: [/^Labels Kubernetes would refuse: the value of `version` "v1 beta" holds " ", which a label value cannot/] },
    { name: "a label key with a reserved prefix", resource: workload(DEPLOYMENT, { ...LABELS, "kubernetes.io/owner": "x" }), mandatory: [/`kubernetes\.io\/owner` uses the prefix "kubernetes\.io\/", which Kubernetes keeps/] },
    {
        name: "two keys AWS folds onto one cost allocation tag",
        resource: workload(DEPLOYMENT, { ...LABELS, "created-by": "jane.doe" }),
        mandatory: [/^Labels `created-by`, `created_by` all become the cost allocation tag `user_created_by` .*keep `created_by` only\.$/],
    },
    {
        name: "a required key beyond the 50 labels AWS imports, counting the controller's",
        resource: workload(DEPLOYMENT, { ...LABELS, ...Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`a${String(i).padStart(2, "0")}`, "x"])) }),
        mandatory: [/^AWS imports only the first 50 labels of a pod, in sorted order: `model_id` is label 51, `project` is label 53, `team` is label 54 \(counting the 1 the Deployment controller adds\), so they would not reach the bill\./],
    },
    { name: "49 labels and the controller's one: all imported", resource: workload(DEPLOYMENT, { ...LABELS, ...Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`a${i}`, "x"])) }) },
    // Namespaces.
    { name: "kube-system is out of scope by default", resource: workload(DEPLOYMENT, {}, { namespace: "kube-system" }), notApplicable: /namespace "kube-system" is excluded by configuration/ },
    { name: "the config can exclude a namespace pattern", resource: workload(DEPLOYMENT, {}, { namespace: "sandbox-jane" }), options: { config: { namespaces: { exclude: ["sandbox-*"] } } }, notApplicable: /namespace "sandbox-jane" is excluded/ },
    { name: "... and include only some", resource: workload(DEPLOYMENT, {}, { namespace: "batch" }), options: { config: { namespaces: { exclude: [], include: ["ml-*"] } } }, notApplicable: /namespace "batch" is not in namespaces\.include/ },
    { name: "kube-system back in scope when the config says so", resource: workload(DEPLOYMENT, {}, { namespace: "kube-system" }), options: { config: { namespaces: { exclude: [] } } }, mandatory: [/would be unattributable/] },
    {
        name: "a workload without a namespace is in its provider's",
        resource: { ...workload(DEPLOYMENT, {}), provider: { type: "pulumi:providers:kubernetes", props: { namespace: "kube-system" } } },
        notApplicable: /namespace "kube-system"/,
    },
    { name: "kubernetes out of the services: not applicable", resource: workload(DEPLOYMENT, {}), options: { config: { services: ["ec2"] } }, notApplicable: /module kubernetes is out of scope/ },
    // Patches merge into a live object.
    { name: "a patch that sets no pod labels changes none", resource: { type: "kubernetes:apps/v1:DeploymentPatch", props: { metadata: { name: "scoring" }, spec: { replicas: 3 } } } },
    { name: "a patch that sets some: what it leaves out may be live (advisory)", resource: workload("kubernetes:apps/v1:DeploymentPatch", { team: "fraud" }), advisory: [/lack `cost_center`.*This is a patch: the live Deployment may already carry them\./] },
    { name: "a patch's bad values are mandatory", resource: workload("kubernetes:batch/v1:JobPatch", { created_by: "jane@example.com" }), mandatory: [/is an e-mail address/], advisory: [/This is a patch/] },
    // What cannot be seen, or known yet.
    { name: "a Helm v3 release: advisory, naming the alternatives", resource: { type: "kubernetes:helm.sh/v3:Release", props: { chart: "gpu-operator", namespace: "gpu" } }, advisory: [/A Helm release is one resource.*Helm v4's `Chart` \(`kubernetes:helm\.sh\/v4:Chart`\).*pod-label values/] },
    { name: "a Helm release in kube-system is out of scope", resource: { type: "kubernetes:helm.sh/v3:Release", props: { chart: "karpenter", namespace: "kube-system" } }, notApplicable: /kube-system/ },
    { name: "pod labels unknown at preview", resource: workload(DEPLOYMENT, UNKNOWN), advisory: [/cannot be known during preview .*verified from the resource's outputs at update/] },
    { name: "one label value unknown at preview", resource: workload(DEPLOYMENT, { ...LABELS, model_id: UNKNOWN }), advisory: [/Values of `model_id` are unknown during preview/] },
    { name: "a secret label value is never quoted", resource: workload(DEPLOYMENT, { ...LABELS, created_by: secret("jane@example.com") }), mandatory: [/`created_by` \[secret\] is an e-mail address/] },
    { name: "labels that are not a map", resource: workload(DEPLOYMENT, ["team=fraud"]), mandatory: [/`spec\.template\.metadata\.labels` is a list, but labels are a map of strings/] },
    // Not a workload.
    { name: "a ConfigMap is not tagguard's business", resource: { type: "kubernetes:core/v1:ConfigMap", props: {} }, notApplicable: /not a resource type tagguard knows/ },
    { name: "AWS resources are other policies' business", resource: { type: "aws:s3/bucketV2:BucketV2", props: {} } },
];

describe("pod-labels (served by the SDK)", () => {
    test("the registry has every workload kind in every API version the provider has, and the patches", () => {
        const kinds = Object.keys(KUBERNETES_WORKLOADS);
        expect(kinds).toHaveLength(38);
        for (const t of ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1beta2:StatefulSet", "kubernetes:extensions/v1beta1:DaemonSet", "kubernetes:batch/v1:CronJob", "kubernetes:batch/v1beta1:CronJob", "kubernetes:core/v1:ReplicationController", "kubernetes:apps/v1:DeploymentPatch"]) expect(kinds).toContain(t);
    });

    test.each(cases)("$name", async (c) => {
        const result = byLevel(await analyze(podLabelsPolicy(), c.resource, c.options));
        expect(result.mandatory).toHaveLength(c.mandatory?.length ?? 0);
        c.mandatory?.forEach((re, i) => expect(result.mandatory[i]).toMatch(re));
        expect(result.advisory).toHaveLength(c.advisory?.length ?? 0);
        c.advisory?.forEach((re, i) => expect(result.advisory[i]).toMatch(re));
        if (c.notApplicable) expect(result.notApplicable).toEqual([expect.stringMatching(c.notApplicable)]);
        else expect(result.notApplicable).toEqual([]);
        expect([...result.mandatory, ...result.advisory].join("\n")).not.toMatch(/jane@example\.com.*\[secret\]|\[secret\].*jane@example/);
    });

    test("the stack half judges from outputs what was unknown at preview", async () => {
        const policy = podLabelsPolicy();
        const late: ResourceCase = { ...workload(DEPLOYMENT, UNKNOWN), name: "late", outputs: workload(DEPLOYMENT, { app: "x" }).props };
        await analyze(policy, late);
        const stack = byLevel(await analyzeStack(policy, [late]));
        expect(stack.mandatory).toEqual([expect.stringMatching(/would be unattributable on a shared node/)]);
    });
});
