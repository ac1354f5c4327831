/**
 * Billing exports as one model: FOCUS 1.0-1.2 read directly, AWS CUR 2.0 through an adapter (with the
 * amortization rule per line item type). CSV, CSV.gz and Parquet are read by DuckDB from the files.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export type Schema = "focus" | "cur2";
export type CostMeasure = "effective" | "billed";

export class BillingInputError extends Error {}

/** SQL string literal. */
/** A SQL string literal; a NUL (which ends a C string) is spliced in with `chr(0)`. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''").replace(/\0/g, "' || chr(0) || '")}'`;

export const SCHEMA_NAMES: Readonly<Record<Schema, string>> = { focus: "FOCUS", cur2: "CUR 2.0" };

/** Every file the arguments name (globs expanded by DuckDB), grouped by reader; without a schema, to learn the columns. */
function reader(files: readonly string[], schema: Schema | undefined): string {
    const list = `[${files.map(lit).join(", ")}]`;
    if (files.every((f) => /\.parquet$/i.test(f))) return `read_parquet(${list}, union_by_name = true)`;
    if (files.some((f) => /\.parquet$/i.test(f))) throw new BillingInputError("mixing Parquet and CSV inputs in one report is not supported; report them separately");
    // Every column as text: costs become exact decimals below, never binary floats; FOCUS CSVs spell missing values NULL.
    return `read_csv(${list}, header = true, all_varchar = true, union_by_name = true${schema === "focus" ? ", nullstr = 'NULL'" : ""})`;
}

/** Columns each schema needs; a missing one is an error naming it. */
const REQUIRED: Record<Schema, string[]> = {
    focus: ["BilledCost", "EffectiveCost", "BillingCurrency", "BillingPeriodStart", "ChargeCategory", "ChargePeriodStart", "ServiceName"],
    cur2: ["bill_billing_period_start_date", "line_item_usage_start_date", "line_item_line_item_type", "line_item_unblended_cost", "line_item_currency_code", "line_item_product_code"],
};

const decimal = (expr: string): string => `TRY_CAST(${expr} AS DECIMAL(38, 10))`;

/** Whether a column's DuckDB type is text (every column of a CSV; some exports' numbers and timestamps in Parquet). */
const isText = (type: string | undefined): boolean => /CHAR|STRING|TEXT/i.test(type ?? "");

/**
 * A column as a timestamp in UTC. An instant (TIMESTAMPTZ) and text with an offset (`-07:00`) are moved to
 * UTC, where a plain cast to TIMESTAMP would use the session's zone or drop the offset; through the epoch, as
 * casts between the two types go through ICU's calendar and cost ten times as much. Text in UTC (`...Z`, as
 * AWS writes it) and plain TIMESTAMP or DATE columns are cast directly.
 */
function utc(column: string, type: string | undefined): string {
    if (/WITH TIME ZONE|TIMESTAMPTZ/i.test(type ?? "")) return `make_timestamp(epoch_us(${column}))`;
    if (isText(type)) return `CASE WHEN ${column} LIKE '%Z' THEN TRY_CAST(${column} AS TIMESTAMP) ELSE make_timestamp(epoch_us(TRY_CAST(${column} AS TIMESTAMPTZ))) END`;
    return `TRY_CAST(${column} AS TIMESTAMP)`;
}

/** Tags as JSON text whatever the source type (a JSON string in CSV, a MAP in Parquet). */
export const tagsJson = (column: string, type: string | undefined): string => (type && /MAP|STRUCT/i.test(type) ? `to_json(${column})::VARCHAR` : `CAST(${column} AS VARCHAR)`);

/** AWS's amortized cost per CUR 2.0 line item type (the rule of AWS's own query library). */
function curEffectiveCost(has: (c: string) => boolean): string {
    const col = (c: string): string => (has(c) ? decimal(c) : "NULL");
    return `CASE line_item_line_item_type
        WHEN 'SavingsPlanCoveredUsage' THEN ${col("savings_plan_savings_plan_effective_cost")}
        WHEN 'SavingsPlanRecurringFee' THEN ${col("savings_plan_total_commitment_to_date")} - ${col("savings_plan_used_commitment")}
        WHEN 'SavingsPlanNegation' THEN 0
        WHEN 'SavingsPlanUpfrontFee' THEN 0
        WHEN 'DiscountedUsage' THEN ${col("reservation_effective_cost")}
        WHEN 'RIFee' THEN ${col("reservation_unused_amortized_upfront_fee_for_billing_period")} + ${col("reservation_unused_recurring_fee")}
        ELSE CASE WHEN line_item_line_item_type = 'Fee' AND ${has("reservation_reservation_a_r_n") ? "coalesce(reservation_reservation_a_r_n, '') <> ''" : "false"} THEN 0
                  ELSE ${col("line_item_unblended_cost")} END
    END`;
}

/** An EC2 instance type (`p3.2xlarge`, `ml.g5.xlarge`) named in a usage type or a description, else NULL. */
const instanceType = (text: string): string =>
    `NULLIF(regexp_extract(${text}, '(?:^|[^a-z0-9.])((?:ml\\.)?[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.(?:nano|micro|small|medium|large|metal|[0-9]*xlarge))(?:[^a-z0-9]|$)', 1), '')`;

/** CUR line item types as FOCUS charge categories, so both report the same way. */
const CUR_CATEGORY = `CASE
    WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation') THEN 'Usage'
    WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
    WHEN line_item_line_item_type IN ('Credit', 'Refund', 'BundledDiscount', 'EdpDiscount', 'PrivateRateDiscount') THEN 'Credit'
    WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee', 'Fee') THEN 'Purchase'
    ELSE 'Adjustment' END`;

/** Which schema an export's columns are: the one whose required columns are all there; an error naming what is missing otherwise. */
function schemaOf(columns: ReadonlyMap<string, string>, given: Schema | undefined, files: readonly string[]): Schema {
    const missing = (schema: Schema): string[] => REQUIRED[schema].filter((c) => !columns.has(c));
    const list = (names: string[]): string => `column${names.length > 1 ? "s" : ""} ${names.join(", ")}`;
    const named = files.join(", ");
    if (given) {
        const lacking = missing(given);
        if (!lacking.length) return given;
        const other: Schema = given === "focus" ? "cur2" : "focus";
        const hint = missing(other).length ? "" : ` (its columns are a ${SCHEMA_NAMES[other]} export's: leave out --schema, or give --schema ${other})`;
        throw new BillingInputError(`${named}: not a ${SCHEMA_NAMES[given]} export: missing ${list(lacking)}${hint}`);
    }
    const found = (["focus", "cur2"] as const).filter((schema) => !missing(schema).length);
    if (found.length === 1) return found[0];
    if (found.length === 2) throw new BillingInputError(`${named}: the files hold both FOCUS and CUR 2.0 columns (a FOCUS export beside a CUR 2.0 one?): report each kind separately, or give --schema`);
    throw new BillingInputError(`${named}: neither a FOCUS export (missing ${list(missing("focus"))}) nor a CUR 2.0 export (missing ${list(missing("cur2"))})`);
}

/**
 * The columns of AWS's split cost allocation data (CUR 2.0 with `INCLUDE_SPLIT_COST_ALLOCATION_DATA`), as
 * the lines view carries them: the hour, the operation and usage type that tell a pod's row from its
 * node's, the node (`parent_id`), the pod's share as weights (split and unused cost) and its allocated
 * usage (vCPUs, GPUs). The `net_` pair (months with a discount) is preferred where it is filled; some
 * exports write the numbers as text. NULL where the export has no split data (FOCUS has none).
 */
function splitColumns(columns: ReadonlyMap<string, string>): string {
    const has = (c: string): boolean => columns.has(c);
    const text = (c: string): string => (has(c) ? `NULLIF(CAST(${c} AS VARCHAR), '')` : "NULL::VARCHAR");
    // Weights and usage need no exact decimals: binary floats, read from text only where the export has text.
    // A weight or usage that is negative, infinite or not a number weighs nothing (it would poison every share of its node-hour).
    const number = (c: string): string => {
        const value = isText(columns.get(c)) ? `TRY_CAST(trim(${c}) AS DOUBLE)` : `TRY_CAST(${c} AS DOUBLE)`;
        return `CASE WHEN ${value} >= 0 AND isfinite(${value}) THEN ${value} END`;
    };
    const amount = (c: string): string => (has(`split_line_item_net_${c}`) ? `coalesce(${number(`split_line_item_net_${c}`)}, ${number(`split_line_item_${c}`)})` : has(`split_line_item_${c}`) ? number(`split_line_item_${c}`) : "NULL::DOUBLE");
    return `${has("line_item_usage_start_date") ? `date_trunc('hour', ${utc("line_item_usage_start_date", columns.get("line_item_usage_start_date"))})` : "NULL::TIMESTAMP"} AS usage_hour,
            ${text("line_item_operation")} AS operation,
            ${text("line_item_usage_type")} AS usage_type,
            ${text("split_line_item_parent_resource_id")} AS parent_id,
            ${amount("split_cost")} AS split_cost,
            ${amount("unused_cost")} AS unused_cost,
            ${has("split_line_item_split_usage") ? number("split_line_item_split_usage") : "NULL::DOUBLE"} AS split_usage`;
}

/**
 * Creates the view `lines`: billing_period, charge_day, charge_category, service, resource_id,
 * currency, cost (exact decimal of the chosen measure; NULL where the export's number is unparsable),
 * cost_text (the cost column as the export writes it, to show what could not be read),
 * quantity and unit (what was consumed, in the export's unit), instance_type (from the usage type or
 * description, for GPU-hours),
 * tags (as the export holds them; `tagsExpression` turns them into JSON text, best after aggregating),
 * and the split cost allocation columns (`splitColumns`). Returns notes on what the sources lack (e.g. no
 * Tags column), and whether the export holds split cost allocation data.
 */
export async function createLinesView(con: DuckDBConnection, files: readonly string[], given: Schema | undefined, measure: CostMeasure): Promise<{ notes: string[]; tagsExpression: string; schema: Schema; split: boolean }> {
    let columns: Map<string, string>;
    try {
        const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${reader(files, undefined)}`);
        columns = new Map(described.getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]));
    } catch (e) {
        throw new BillingInputError(`cannot read ${files.join(", ")}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    const schema = schemaOf(columns, given, files);
    const source = reader(files, schema);
    const has = (c: string): boolean => columns.has(c);
    const notes: string[] = [];
    let select: string;
    if (schema === "focus") {
        if (!has("Tags")) notes.push("the export has no Tags column: every cost is unallocated");
        if (!has("ResourceId")) notes.push("the export has no ResourceId column: untagged resources cannot be listed");
        const described = ["x_UsageType", "SkuPriceDetails", "ChargeDescription"].filter(has);
        select = `SELECT
            strftime(${utc("BillingPeriodStart", columns.get("BillingPeriodStart"))}, '%Y-%m') AS billing_period,
            CAST(${utc("ChargePeriodStart", columns.get("ChargePeriodStart"))} AS DATE) AS charge_day,
            ChargeCategory AS charge_category,
            ServiceName AS service,
            ${has("ResourceId") ? "ResourceId" : "NULL"} AS resource_id,
            BillingCurrency AS currency,
            ${decimal(measure === "effective" ? "EffectiveCost" : "BilledCost")} AS cost,
            ${measure === "effective" ? "EffectiveCost" : "BilledCost"} AS cost_text,
            ${has("ConsumedQuantity") ? decimal("ConsumedQuantity") : "NULL::DECIMAL(38, 10)"} AS quantity,
            ${has("ConsumedUnit") ? "NULLIF(ConsumedUnit, '')" : "NULL::VARCHAR"} AS unit,
            ${instanceType(described.length ? `coalesce(${described.map((c) => `CAST(${c} AS VARCHAR)`).join(", ")})` : "NULL::VARCHAR")} AS instance_type,
            ${has("Tags") ? "Tags" : "NULL::VARCHAR"} AS tags,
            ${splitColumns(new Map())}
        FROM ${source}`;
    } else {
        if (!has("resource_tags")) notes.push("the export has no resource_tags column: every cost is unallocated");
        select = `SELECT
            strftime(${utc("bill_billing_period_start_date", columns.get("bill_billing_period_start_date"))}, '%Y-%m') AS billing_period,
            CAST(${utc("line_item_usage_start_date", columns.get("line_item_usage_start_date"))} AS DATE) AS charge_day,
            ${CUR_CATEGORY} AS charge_category,
            ${has("product_servicecode") ? "coalesce(product_servicecode, line_item_product_code)" : "line_item_product_code"} AS service,
            ${has("line_item_resource_id") ? "NULLIF(line_item_resource_id, '')" : "NULL"} AS resource_id,
            line_item_currency_code AS currency,
            ${measure === "effective" ? curEffectiveCost(has) : decimal("line_item_unblended_cost")} AS cost,
            line_item_unblended_cost AS cost_text,
            ${has("line_item_usage_amount") ? decimal("line_item_usage_amount") : "NULL::DECIMAL(38, 10)"} AS quantity,
            ${has("pricing_unit") ? "NULLIF(pricing_unit, '')" : "NULL::VARCHAR"} AS unit,
            ${instanceType(["product_instance_type", "line_item_usage_type"].filter(has).length ? `coalesce(${["product_instance_type", "line_item_usage_type"].filter(has).map((c) => `NULLIF(CAST(${c} AS VARCHAR), '')`).join(", ")})` : "NULL::VARCHAR")} AS instance_type,
            ${has("resource_tags") ? "resource_tags" : "NULL::VARCHAR"} AS tags,
            ${splitColumns(columns)}
        FROM ${source}`;
    }
    await con.run(`CREATE OR REPLACE TEMP VIEW lines AS ${select}`);
    // Tags become JSON text after aggregating, once per group: CUR 2.0's keys lose their `user_` prefix (values keep theirs).
    const json = schema === "focus"
        ? (has("Tags") ? tagsJson("tags", columns.get("Tags")) : "tags")
        : (has("resource_tags") ? `regexp_replace(${tagsJson("tags", columns.get("resource_tags"))}, '([{,]\\s*)"user_', '\\1"', 'g')` : "tags");
    // A raw NUL byte in the tags' text (JSON allows it only escaped) is read as the escape, so the key or value is judged and shown, not lost.
    const tagsExpression = `replace(${json}, chr(0), '\\u0000')`;
    return { notes, tagsExpression, schema, split: schema === "cur2" && has("split_line_item_parent_resource_id") };
}
