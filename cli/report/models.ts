/**
 * The models file (`--models`): what the bill cannot say about a model, per `model_id`. YAML or JSON:
 *
 *   fraud-xgb-v3:
 *     monthly_predictions: 12000000
 *     monthly_value_usd: 250000
 *     benchmark_cost_per_1k_usd: 0.05
 *     owner_team: fraud
 */
import * as path from "path";
import { CORE_SCHEMA } from "js-yaml";
import { YamlInputError, loadYaml } from "../yaml-input";
import { z } from "zod";
import { configProblems } from "../../tagset/config";
import { UsageError, parseJsonText, readTextFile, shownPath } from "../input";

export const ModelEntrySchema = z.object({
    monthly_predictions: z.number().nonnegative().optional().describe("Predictions the model serves in a month."),
    monthly_value_usd: z.number().nonnegative().optional().describe("Business value the model brings in a month, in US dollars."),
    benchmark_cost_per_1k_usd: z.number().positive().optional().describe("What 1,000 predictions should cost, in US dollars."),
    owner_team: z.string().min(1).optional().describe("The team accountable for the model (default: the team its cost is tagged with)."),
}).strict();

export const ModelsFileSchema = z.record(z.string().min(1), ModelEntrySchema);

export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export interface ModelsFile {
    file: string;
    models: ReadonlyMap<string, ModelEntry>;
}

/** A models file lists a platform's models (hundreds, not millions): larger is refused before it is read. */
export const MAX_MODELS_FILE_BYTES = 8 * 1024 * 1024;

export function readModelsFile(file: string): ModelsFile {
    if (!file.trim()) throw new UsageError("--models: empty path (an unset variable?); leave the option out for no models file");
    const text = readTextFile(file, "a models file", MAX_MODELS_FILE_BYTES);
    let raw: unknown;
    if (/\.json$/i.test(file)) raw = parseJsonText(text, file, "a models file (model_id -> monthly_predictions, monthly_value_usd, benchmark_cost_per_1k_usd, owner_team)");
    else {
        try {
            raw = loadYaml(text, { filename: path.basename(file), schema: CORE_SCHEMA });
        } catch (e) {
            if (!(e instanceof YamlInputError)) throw e;
            const { line, column, reason } = e.problem;
            throw new UsageError(`--models ${shownPath(file)}: ${e.syntax ? `not valid YAML${line !== undefined ? ` at line ${line}, column ${column}` : ""}` : reason}`);
        }
    }
    if (raw === null || raw === undefined) throw new UsageError(`--models ${shownPath(file)}: empty file; expected model_id -> settings`);
    const parsed = ModelsFileSchema.safeParse(raw);
    if (!parsed.success) throw new UsageError(`--models ${shownPath(file)}: ${configProblems(parsed.error).join("; ")}`);
    return { file, models: new Map(Object.entries(parsed.data)) };
}
