/**
 * The report's aggregation of the exports, and per-pod cost on shared EKS nodes from AWS's split cost
 * allocation data (CUR 2.0). Each pod has rows per node and hour (`EKSPod-EC2`: vCPU, GB and, on
 * accelerated nodes, accelerator hours) naming the node (`split_line_item_parent_resource_id`), with its
 * share of the node (`split_cost`) and of the node's unallocated capacity (`unused_cost`). The node's own
 * line (`RunInstances`, resource id `i-...`) carries the money.
 *
 * Apportion, never add: for each node and hour, the pool (the node's lines in the report's measure, plus
 * whatever the pod rows carry themselves: AWS documents neither as zero) is divided among the pods by
 * their split cost; what remains is the node's idle capacity, on the node's own tags (`--idle separate`);
 * with `--idle share` the pods take their unused cost too, as AWS does. The pieces replace the node's and
 * the pods' lines. Without split data the exports are read once; with it twice: a first pass without tags
 * finds each node-hour's pool and weights, the second (the one every report makes) carries each pod row's
 * exact share into its pod's day on that node, where it is floored to a unit of 1e-10 and the node-day's
 * remainder is its idle capacity, so that every total still reconciles to the invoice exactly.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { SYSTEM_NAMESPACES } from "../../tagset/kubernetes";
import { lit } from "./sources";

export type IdleMode = "separate" | "share";
export const IDLE_MODES: readonly IdleMode[] = ["separate", "share"];

/** How the split went, over every period of the exports. */
export interface SplitSummary {
    idle: IdleMode;
    /** Node-hours whose cost was apportioned to their pods. */
    nodeHours: number;
    /** Pods (distinct pod resource ids) that received a piece. */
    pods: number;
    /** Pod rows whose node's line for the hour is not in the files given: their share could not be apportioned. */
    orphanPodRows: number;
}

/**
 * The columns of `agg`, one row per billing period, day, charge category, service, resource, currency,
 * unit, instance type and tag set (`tags` as JSON text, `tags_hash` its key): cost and quantity summed,
 * `lines` and `bad_cost` (lines whose cost is not a number) counted. Split cost allocation adds
 * `split_role` (`pod`: a pod's piece of its node; `system`: the same for a pod of kube-system and the
 * like, which carries the node's tags; `idle`: a node's unallocated capacity; `orphan`: pod rows whose
 * node is missing; `unsplit`: a node's lines in hours without pod rows; `fargate`: a Fargate pod's own
 * line), `cluster`, `namespace`, `workload`, `node_pool` and `idle_cost` (the idle capacity in the row:
 * all of an idle row; a pod's taken share under `--idle share`).
 */
const AGG_KEYS = "billing_period, charge_day, charge_category, service, resource_id, currency, unit, instance_type";
const SPLIT_NONE = "NULL::VARCHAR AS split_role, NULL::VARCHAR AS cluster, NULL::VARCHAR AS namespace, NULL::VARCHAR AS workload, NULL::VARCHAR AS node_pool, NULL::DECIMAL(38, 10) AS idle_cost";

/** A value AWS adds to pod rows' tags (CUR 2.0 writes `aws:eks:cluster-name` as `aws_eks_cluster_name`). */
const eks = (name: string): string => `NULLIF(json_extract_string(tags, '$.aws_eks_${name}'), '')`;
/** `arn:aws:eks:<region>:<account>:pod/<cluster>/<namespace>/<pod>/<uid>`. */
const fromArn = (part: number): string => `NULLIF(regexp_extract(resource_id, ':pod/([^/]+)/([^/]+)/([^/]+)', ${part}), '')`;
const POD_CLUSTER = `coalesce(${eks("cluster_name")}, ${fromArn(1)})`;
const POD_NAMESPACE = `coalesce(${eks("namespace")}, ${fromArn(2)})`;
/** The workload a pod belongs to: its Deployment (whose pods AWS marks as `ReplicaSet`), its controller, or the pod itself. */
const WORKLOAD = `CASE WHEN ${eks("deployment")} IS NOT NULL THEN 'Deployment/' || ${eks("deployment")}
    WHEN ${eks("workload_name")} IS NOT NULL THEN coalesce(${eks("workload_type")}, 'Workload') || '/' || ${eks("workload_name")}
    ELSE 'Pod/' || coalesce(${fromArn(3)}, resource_id, '?') END`;
/** `arn:aws:ecs:<region>:<account>:task/<cluster>/<task id>`: a task of ECS on EC2, whose split rows AWS writes as it writes a pod's. */
const ecsTask = (part: number): string => `NULLIF(regexp_extract(resource_id, '^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:task/([^/]+)/([^/]+)$', ${part}), '')`;
/** A value AWS adds to ECS tasks' tags (`aws:ecs:clusterName`), in either spelling CUR 2.0 may fold it to. */
const ecs = (camel: string, snake: string): string => `coalesce(NULLIF(json_extract_string(tags, '$.aws_ecs_${camel}'), ''), NULLIF(json_extract_string(tags, '$.aws_ecs_${snake}'), ''))`;
/**
 * What a piece of a node is named as a resource: `eks/<cluster>/<namespace>/<workload>` for a pod,
 * `ecs/<cluster>/Service/<service>` (or `Task/<id>`) for an ECS task, which has no EKS cluster of its own view.
 */
const PIECE_ID = `CASE WHEN ${ecsTask(1)} IS NOT NULL
    THEN 'ecs/' || coalesce(${ecs("clusterName", "cluster_name")}, ${ecsTask(1)}) || '/' || coalesce('Service/' || ${ecs("serviceName", "service_name")}, 'Task/' || ${ecsTask(2)})
    ELSE 'eks/' || coalesce(${POD_CLUSTER}, '?') || '/' || coalesce(${POD_NAMESPACE}, '?') || '/' || ${WORKLOAD} END`;
/** The node pool a node belongs to, from the tags Karpenter, managed node groups and Auto Scaling put on instances (folded as CUR 2.0 folds them). */
const NODE_POOL = `coalesce(${["karpenter_sh_nodepool", "eks_nodegroup_name", "aws_eks_nodegroup_name", "aws_autoscaling_groupName"].map((k) => `NULLIF(json_extract_string(tags, '$.${k}'), '')`).join(", ")})`;

/** 1e10: the lines' exact decimals (scale 10) as integers, so that pieces add up to their pool exactly. */
const UNIT = "10000000000";
/** Integer units back to the exact decimal: a decimal product keeps its scale (a division would give a binary float). */
const units = (expr: string): string => `CAST(CAST(${expr} AS DECIMAL(28, 0)) * CAST(0.0000000001 AS DECIMAL(10, 10)) AS DECIMAL(38, 10))`;

/**
 * Creates `agg` from the `lines` view. `tagsExpression` turns the lines' tags into JSON text. With
 * `idle`, the export holds split cost allocation data and every node-hour that has pods is apportioned.
 */
export async function createAggregate(con: DuckDBConnection, tagsExpression: string, idle: IdleMode | undefined): Promise<SplitSummary | undefined> {
    // Tags are grouped by their 64-bit hash (hashing a MAP is half the cost of grouping by it; two different
    // tag sets would have to collide on the same resource, day, category, service and usage) and turned
    // into JSON once per group. Every period is kept: month-over-month needs the one before `--period`.
    if (!idle) {
        await con.run(`CREATE TEMP TABLE agg AS
            SELECT ${AGG_KEYS}, tags_hash, ${tagsExpression} AS tags, cost, quantity, lines, bad_cost, ${SPLIT_NONE} FROM (
                SELECT ${AGG_KEYS}, hash(tags) AS tags_hash, any_value(tags) AS tags,
                       sum(cost) AS cost, sum(quantity) AS quantity, count(*) AS lines, count(*) FILTER (WHERE cost IS NULL) AS bad_cost
                FROM lines GROUP BY ${AGG_KEYS}, tags_hash)`);
        return undefined;
    }
    // What each line is to the split: a pod's row names its node; a node's compute line is the instance's
    // usage (every purchase option: RunInstances, RunInstances:SV001, ...); a Fargate pod is billed on its
    // own line, with its labels (no node to split, but a pod of the cluster). A node-hour is a 64-bit hash
    // of the instance and the hour: the join key below. The tags are hashed before the join: hashing the
    // MAP the join's output only refers to costs twice as much.
    await con.run(`CREATE TEMP VIEW split_lines AS
        SELECT *, hash(tags) AS tags_hash, CASE split_kind WHEN 'pod' THEN hash(parent_id, usage_hour) WHEN 'node' THEN hash(resource_id, usage_hour) END AS split_key,
                  CASE split_kind WHEN 'pod' THEN hash(parent_id) WHEN 'node' THEN hash(resource_id) END AS split_node
        FROM (SELECT *, CASE WHEN parent_id IS NOT NULL AND parent_id <> coalesce(resource_id, '') THEN 'pod'
                             WHEN charge_category = 'Usage' AND operation LIKE 'RunInstances%' AND resource_id IS NOT NULL THEN 'node'
                             WHEN operation = 'FargatePod' THEN 'fargate' END AS split_kind
              FROM lines)`);
    // First pass, without tags: every node-hour that has both its node's lines and pod rows, its pool (the
    // node's lines in the report's measure and the pods' own cost, an exact decimal) and the pods' total weight.
    await con.run(`CREATE TEMP TABLE split_hours AS
        SELECT split_key, any_value(split_node) AS split_node, any_value(charge_day) AS charge_day, coalesce(sum(cost), 0) AS pool,
               coalesce(sum(coalesce(split_cost, 0) + coalesce(unused_cost, 0)) FILTER (WHERE is_pod), 0) AS weight_all
        FROM (SELECT split_key, split_node, charge_day, cost, split_cost, unused_cost, split_kind = 'pod' AS is_pod FROM split_lines WHERE split_kind IN ('pod', 'node'))
        GROUP BY split_key HAVING bool_or(is_pod) AND bool_or(NOT is_pod)`);
    // The pass over everything, grouped by day as without split data. A pod's rows in apportioned hours carry
    // their exact piece (pool * weight / total weight, in units) and are grouped per node and day; a node's
    // lines of those hours are set apart, to be replaced by its pods' pieces and its idle capacity.
    const weight = idle === "share" ? "coalesce(split_cost, 0) + coalesce(unused_cost, 0)" : "coalesce(split_cost, 0)";
    await con.run(`CREATE TEMP TABLE agg_lines AS
        SELECT billing_period, charge_day, charge_category, service, resource_id, currency, unit, instance_type, tags_hash, any_value(tags) AS tags,
               sum(cost) AS cost, sum(quantity) AS quantity, count(*) AS lines, count(*) FILTER (WHERE cost IS NULL) AS bad_cost, split_kind, split_node, apportioned,
               coalesce(sum(pool_units * ((${weight}) / weight_all)) FILTER (WHERE split_kind = 'pod'), 0) AS exact_units,
               ${idle === "share" ? "coalesce(sum(pool_units * (coalesce(unused_cost, 0) / weight_all)) FILTER (WHERE split_kind = 'pod'), 0)" : "NULL::DOUBLE"} AS unused_units,
               sum(split_usage) FILTER (WHERE usage_type LIKE '%Accelerator-Hours') AS gpu_hours,
               sum(split_usage) FILTER (WHERE usage_type LIKE '%vCPU-Hours') AS vcpu_hours
        FROM (SELECT l.* REPLACE (CASE WHEN l.split_kind = 'pod' THEN NULL ELSE l.unit END AS unit, CASE WHEN l.split_kind = 'pod' THEN NULL ELSE l.instance_type END AS instance_type),
                     h.pool_units, h.weight_all, h.split_key IS NOT NULL AS apportioned
              -- Only the key, the pool in units and the total weight in the join's table: it is probed once per line. A
              -- row's piece is the pool times its share of the weight (at most 1): a rate of units per unit of weight
              -- would overflow to infinity on weights as small as 1e-320.
              FROM split_lines l LEFT JOIN (SELECT split_key, pool::DOUBLE * ${UNIT} AS pool_units, CASE WHEN weight_all > 0 THEN weight_all END AS weight_all FROM split_hours) h
                   ON h.split_key = l.split_key)
        GROUP BY billing_period, charge_day, charge_category, service, resource_id, currency, unit, instance_type, tags_hash, split_kind, split_node, apportioned`);
    await con.run(`CREATE TEMP TABLE tag_sets AS SELECT tags_hash, ${tagsExpression} AS tags FROM (SELECT tags_hash, any_value(tags) AS tags FROM agg_lines GROUP BY tags_hash)`);
    // What a pod is, once per pod and tag set: its cluster, namespace and workload, from AWS's tags or its ARN.
    await con.run(`CREATE TEMP TABLE pod_info AS
        SELECT resource_id, tags_hash, ${POD_CLUSTER} AS cluster, ${POD_NAMESPACE} AS namespace, ${WORKLOAD} AS workload, ${PIECE_ID} AS piece_id,
               coalesce(${POD_NAMESPACE} IN (${SYSTEM_NAMESPACES.map(lit).join(", ")}), false) AS system
        FROM (SELECT DISTINCT resource_id, tags_hash FROM agg_lines WHERE split_kind IN ('pod', 'fargate')) JOIN tag_sets USING (tags_hash)`);
    // A node's apportioned days: their pool, and the node's own attributes (its tags, its pool, its lines) for its idle capacity.
    await con.run(`CREATE TEMP TABLE node_days AS
        SELECT d.split_node, d.charge_day, d.pool_units, n.node, n.billing_period, n.service, n.currency, n.node_tags_hash, n.lines, n.bad_cost, ${NODE_POOL} AS node_pool
        FROM (SELECT split_node, charge_day, CAST(sum(pool) * ${UNIT} AS HUGEINT) AS pool_units FROM split_hours GROUP BY ALL) d
        JOIN (SELECT split_node, charge_day, any_value(resource_id) AS node, any_value(billing_period) AS billing_period, any_value(service) AS service, any_value(currency) AS currency,
                     any_value(tags_hash) AS node_tags_hash, sum(lines) AS lines, sum(bad_cost) AS bad_cost
              FROM agg_lines WHERE split_kind = 'node' AND apportioned GROUP BY ALL) n USING (split_node, charge_day)
        LEFT JOIN tag_sets t ON t.tags_hash = n.node_tags_hash`);
    // Each pod's piece of a node-day: its exact share floored to a unit; under share, the units left by
    // flooring go one each to the largest fractions, so that the pool is spent exactly (a piece without a
    // fraction takes none: what is left, when no pod has a share, is idle).
    await con.run(`CREATE TEMP TABLE pieces AS
        WITH floored AS (
            SELECT a.resource_id, a.tags_hash, a.split_node, a.charge_day, a.lines, a.bad_cost, a.gpu_hours, a.vcpu_hours, a.exact_units, a.unused_units,
                   CAST(floor(a.exact_units) AS HUGEINT) AS floor_units
            FROM agg_lines a WHERE a.split_kind = 'pod' AND a.apportioned)
        ${idle === "share"
            ? `SELECT f.* EXCLUDE (floor_units), f.floor_units + CASE WHEN f.exact_units > f.floor_units AND row_number() OVER (PARTITION BY f.split_node, f.charge_day ORDER BY f.exact_units - f.floor_units DESC, f.resource_id, f.tags_hash)
                      <= d.pool_units - sum(f.floor_units) OVER (PARTITION BY f.split_node, f.charge_day) THEN 1 ELSE 0 END AS piece_units
               FROM floored f JOIN node_days d USING (split_node, charge_day)`
            : "SELECT * EXCLUDE (floor_units), floor_units AS piece_units FROM floored"}`);
    // Nodes that have pods on some day: their other hours' lines are named (no pods scheduled, or their rows are in other files).
    await con.run(`CREATE TEMP TABLE split_nodes AS SELECT a.split_node, any_value(i.cluster) AS cluster FROM agg_lines a JOIN pod_info i USING (resource_id, tags_hash)
        WHERE a.split_kind = 'pod' GROUP BY a.split_node`);
    await con.run(`CREATE TEMP TABLE agg AS
        SELECT ${AGG_KEYS}, tags_hash, t.tags, cost, quantity, lines, bad_cost, split_role, cluster, namespace, workload, node_pool, idle_cost FROM (
            SELECT ${AGG_KEYS}, tags_hash, sum(cost) AS cost, sum(quantity) AS quantity, sum(lines) AS lines, sum(bad_cost) AS bad_cost,
                   split_role, cluster, namespace, workload, node_pool, sum(idle_cost) AS idle_cost
            FROM (
                -- Lines that are not split, as without split data; Fargate pods named.
                SELECT ${AGG_KEYS.split(", ").map((k) => `a.${k}`).join(", ")}, a.tags_hash, cost, quantity, lines, bad_cost,
                       CASE WHEN split_kind = 'fargate' THEN 'fargate' END AS split_role, f.cluster, f.namespace, f.workload, NULL::VARCHAR AS node_pool, NULL::DECIMAL(38, 10) AS idle_cost
                FROM agg_lines a LEFT JOIN pod_info f ON a.split_kind = 'fargate' AND f.resource_id = a.resource_id AND f.tags_hash = a.tags_hash
                WHERE split_kind IS NULL OR split_kind = 'fargate'
                UNION ALL
                -- Nodes' lines in hours without pods: on the node's tags; named when the node has pods in other hours.
                SELECT ${AGG_KEYS}, tags_hash, cost, quantity, lines, bad_cost, CASE WHEN c.cluster IS NOT NULL THEN 'unsplit' END, c.cluster, NULL, NULL, NULL, NULL
                FROM agg_lines a LEFT JOIN split_nodes c USING (split_node) WHERE split_kind = 'node' AND NOT apportioned
                UNION ALL
                -- Pod rows whose node's line for the hour is not in the files given: kept as they are, named.
                SELECT ${AGG_KEYS}, tags_hash, cost, quantity, lines, bad_cost, 'orphan', i.cluster, i.namespace, i.workload, NULL, NULL
                FROM agg_lines a JOIN pod_info i USING (resource_id, tags_hash) WHERE split_kind = 'pod' AND NOT apportioned
                UNION ALL
                SELECT d.billing_period, x.charge_day, 'Usage', d.service, i.piece_id, d.currency,
                       CASE WHEN x.gpu_hours > 0 THEN 'GPU-hours' WHEN x.vcpu_hours > 0 THEN 'vCPU-hours' END, NULL,
                       -- The cluster's own components (kube-system, ...), which the pack does not ask to label, are the nodes' owner's.
                       CASE WHEN i.system THEN d.node_tags_hash ELSE x.tags_hash END,
                       ${units("x.piece_units")}, TRY_CAST(CASE WHEN x.gpu_hours > 0 THEN x.gpu_hours WHEN x.vcpu_hours > 0 THEN x.vcpu_hours END AS DECIMAL(38, 10)), x.lines, x.bad_cost,
                       CASE WHEN i.system THEN 'system' ELSE 'pod' END, i.cluster, i.namespace, i.workload, d.node_pool, ${idle === "share" ? units("round(x.unused_units)") : "NULL"}
                FROM pieces x JOIN node_days d USING (split_node, charge_day) JOIN pod_info i USING (resource_id, tags_hash)
                UNION ALL
                -- The node-day's idle capacity (under share, only what flooring could not place, if anything).
                SELECT d.billing_period, d.charge_day, 'Usage', d.service, d.node, d.currency, NULL, NULL, d.node_tags_hash,
                       ${units("d.pool_units - x.placed")}, NULL, d.lines, d.bad_cost, 'idle', x.cluster, NULL, NULL, d.node_pool, ${units("d.pool_units - x.placed")}
                FROM node_days d JOIN (SELECT split_node, charge_day, sum(piece_units) AS placed, any_value(i.cluster) AS cluster FROM pieces JOIN pod_info i USING (resource_id, tags_hash) GROUP BY ALL) x
                     USING (split_node, charge_day)
                WHERE ${idle === "separate"} OR d.pool_units <> x.placed OR d.bad_cost > 0)
            GROUP BY ${AGG_KEYS}, tags_hash, split_role, cluster, namespace, workload, node_pool) g
        LEFT JOIN tag_sets t USING (tags_hash)`);
    const [counts] = (await con.runAndReadAll(`SELECT (SELECT count(*) FROM split_hours) AS node_hours, (SELECT count(DISTINCT resource_id) FROM pieces) AS pods,
            (SELECT coalesce(sum(lines), 0) FROM agg WHERE split_role = 'orphan') AS orphans`)).getRowObjectsJson();
    return { idle, nodeHours: Number(counts.node_hours), pods: Number(counts.pods), orphanPodRows: Number(counts.orphans) };
}

/**
 * Tags that mark an EC2 instance as an EKS node, in the spellings CUR 2.0 (`aws_eks_cluster_name`,
 * `eks_cluster_name`) and FOCUS (`aws:eks:cluster-name`, `user:eks:cluster-name`) write them: managed node
 * groups' `eks:cluster-name`, Karpenter's `karpenter.sh/nodepool` and `eks:eks-cluster-name`, the
 * `kubernetes.io/cluster/<name>` tag.
 */
export const EKS_NODE_TAGS = `"(user[:_])?(aws[:_])?eks[:_](eks[-_])?cluster[-_]name"|"(user[:_])?kubernetes[._]io[/_]cluster[/_]|"(user[:_])?karpenter[._]sh[/_]nodepool"`;
