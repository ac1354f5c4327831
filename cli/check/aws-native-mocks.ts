/**
 * Answers for the invokes of the Cloud Control provider (`@pulumi/aws-native`) that programs call: its
 * built-in functions (`getAccountId`, `getAzs`, `cidr`, SSM parameters, ...) and its reads of existing
 * resources (`aws-native:<module>:get<Type>`, by identifier). Pure: the same token and inputs always give
 * the same answer.
 */
import { MOCK_ACCOUNT_ID, parameterValue, stableHex, type MockContext } from "./aws-mocks";

type Inputs = Record<string, unknown>;

/** `Fn::Cidr`: `count` IPv4 subnets of `cidrBits` host bits, in order from the block's start. */
export function cidrSubnets(ipBlock: unknown, count: unknown, cidrBits: unknown): string[] {
    const block = typeof ipBlock === "string" ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(ipBlock.trim()) : null;
    const n = typeof count === "number" && Number.isInteger(count) ? Math.min(Math.max(count, 0), 256) : 0;
    const bits = typeof cidrBits === "number" && Number.isInteger(cidrBits) ? cidrBits : -1;
    if (!block || bits < 0 || bits > 32 - Number(block[5])) return [];
    const base = block.slice(1, 5).reduce((a, o) => a * 256 + Math.min(Number(o), 255), 0);
    const size = 2 ** bits;
    const start = base - (base % (2 ** (32 - Number(block[5]))));
    const end = start + 2 ** (32 - Number(block[5]));
    const out: string[] = [];
    for (let i = 0; i < n && start + (i + 1) * size <= end; i++) {
        const at = start + i * size;
        out.push(`${[24, 16, 8, 0].map((s) => Math.floor(at / 2 ** s) % 256).join(".")}/${32 - bits}`);
    }
    return out;
}

const BUILT_INS: Readonly<Record<string, (inputs: Inputs, ctx: MockContext) => Record<string, unknown>>> = {
    "aws-native:index:getAccountId": () => ({ accountId: MOCK_ACCOUNT_ID }),
    "aws-native:index:getRegion": (_i, { region }) => ({ region }),
    "aws-native:index:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
    "aws-native:index:getUrlSuffix": () => ({ urlSuffix: "amazonaws.com" }),
    "aws-native:index:getAzs": (inputs, { region }) => {
        const r = typeof inputs.region === "string" && inputs.region ? inputs.region : region;
        return { azs: ["a", "b", "c"].map((z) => `${r}${z}`) };
    },
    "aws-native:index:getSsmParameterString": (inputs) => ({ value: parameterValue(typeof inputs.name === "string" ? inputs.name : "") }),
    "aws-native:index:getSsmParameterList": (inputs) => ({ value: parameterValue(typeof inputs.name === "string" ? inputs.name : "").split(",") }),
    "aws-native:index:cidr": (inputs) => ({ subnets: cidrSubnets(inputs.ipBlock, inputs.count, inputs.cidrBits) }),
    "aws-native:index:importValue": (inputs) => ({ value: `tagguard-mock-${stableHex(String(inputs.name ?? ""), 8)}` }),
};

/** The Cloud Control provider's built-in functions `check` answers (docs/check.md names each). */
export const AWS_NATIVE_BUILT_INS: readonly string[] = Object.keys(BUILT_INS);

/** A read of an existing resource by identifier: the identifier given back, with a plausible ARN. */
const READ = /^aws-native:([a-z0-9]+):get[A-Z]\w*$/;

export function answerAwsNativeInvoke(token: string, inputs: Inputs, ctx: MockContext): Record<string, unknown> | undefined {
    const builtIn = BUILT_INS[token];
    if (builtIn) return builtIn(inputs, ctx);
    const read = READ.exec(token);
    if (!read) return undefined;
    const identifier = Object.values(inputs).find((v): v is string => typeof v === "string") ?? "resource";
    return { ...inputs, arn: identifier.startsWith("arn:") ? identifier : `arn:aws:${read[1]}:${ctx.region}:${MOCK_ACCOUNT_ID}:${identifier}` };
}
