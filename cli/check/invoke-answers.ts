/** What `check` answers for a program's invokes: AWS data sources, the Cloud Control provider's, then the Kubernetes provider's. */
import { answerDataSource, type MockContext } from "./aws-mocks";
import { answerAwsNativeInvoke } from "./aws-native-mocks";
import { answerKubernetesInvoke } from "./kubernetes-mocks";

/** The answer to an invoke, or undefined when tagguard has none (the caller answers empty and warns). */
export function answerInvoke(token: string, inputs: Record<string, unknown>, ctx: MockContext): Record<string, unknown> | undefined {
    return answerDataSource(token, inputs, ctx) ?? answerAwsNativeInvoke(token, inputs, ctx) ?? answerKubernetesInvoke(token, inputs);
}
