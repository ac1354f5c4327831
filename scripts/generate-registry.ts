/**
 * Writes the generated registries: `tagset/registry.generated.ts` from the installed `@pulumi/aws`,
 * `tagset/aws-native.generated.ts` from `@pulumi/aws-native`, `tagset/kubernetes.generated.ts` from
 * `@pulumi/kubernetes`.
 */
import * as fs from "fs";
import * as path from "path";
import { renderKubernetesRegistry } from "./kubernetes-registry-generator";
import { renderAwsNativeRegistry, renderRegistry } from "./registry-generator";

export const AWS_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));
export const REGISTRY_FILE = path.join(__dirname, "..", "tagset", "registry.generated.ts");
export const AWS_NATIVE_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/aws-native/package.json"));
export const AWS_NATIVE_REGISTRY_FILE = path.join(__dirname, "..", "tagset", "aws-native.generated.ts");
export const KUBERNETES_PACKAGE_DIR = path.dirname(require.resolve("@pulumi/kubernetes/package.json"));
export const KUBERNETES_REGISTRY_FILE = path.join(__dirname, "..", "tagset", "kubernetes.generated.ts");

if (require.main === module) {
    fs.writeFileSync(REGISTRY_FILE, renderRegistry(AWS_PACKAGE_DIR));
    fs.writeFileSync(AWS_NATIVE_REGISTRY_FILE, renderAwsNativeRegistry(AWS_NATIVE_PACKAGE_DIR));
    fs.writeFileSync(KUBERNETES_REGISTRY_FILE, renderKubernetesRegistry(KUBERNETES_PACKAGE_DIR));
    for (const file of [REGISTRY_FILE, AWS_NATIVE_REGISTRY_FILE, KUBERNETES_REGISTRY_FILE]) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
