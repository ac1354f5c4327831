import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_NAME, createPolicies } from "./all";
import { tuneSdkDeserialization } from "./sdk-deserialization";

tuneSdkDeserialization();
new PolicyPack(PACK_NAME, { description: PACK_DESCRIPTION, policies: createPolicies() });
