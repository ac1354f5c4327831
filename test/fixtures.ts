/** Shared test data: a valid tag set, providers in the forms the engine sends, wire encodings. */
import { SECRET_SIG, SECRET_SIG_KEY } from "../tagset/values";
import { formatDay, utcDay } from "../tagset/rules";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const FULL_TAGS: Readonly<Record<string, string>> = {
    team: "fraud",
    cost_center: "cc-1042",
    project: "fraud-detection",
    model_id: "fraud-xgb-v3",
    environment: "production",
    lifecycle_phase: "training",
    created_by: "jane.doe",
    managed_by: "pulumi",
};

export const secret = (value: unknown): Record<string, unknown> => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

/** The default AWS provider as the engine sends it: `defaultTags` as JSON text (pulumi/pulumi#15477) or an object. */
export function awsProvider(defaultTags?: Record<string, unknown> | string, form: "json" | "object" = "json", extra: Record<string, unknown> = {}) {
    const props: Record<string, unknown> = { region: "us-east-1", skipCredentialsValidation: "false", ...extra };
    if (defaultTags !== undefined) props.defaultTags = typeof defaultTags === "string" ? defaultTags : form === "json" ? JSON.stringify({ tags: defaultTags }) : { tags: defaultTags };
    return { type: "pulumi:providers:aws", props };
}

/** A date `days` from today, as `expires_at` wants it. */
export const inDays = (days: number): string => formatDay(utcDay(new Date()) + days);

export const without = (tags: Readonly<Record<string, string>>, ...keys: string[]): Record<string, string> =>
    Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

export const asgTags = (tags: Readonly<Record<string, string>>, propagateAtLaunch = true) =>
    Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch }));
