import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_NAME, createPolicies } from "./all";
import { keepSecretsMarked } from "./secret-marking";

keepSecretsMarked();
new PolicyPack(PACK_NAME, { description: PACK_DESCRIPTION, policies: createPolicies() });
